# The README's two commands live here.
#   make run    install what is missing, build, start the demo upstream and the gateway (quickstart)
#   make test   install what is missing, build with -Werror, run unit tests (ctest) and the e2e suite
BUILD_DIR ?= build
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DSLUICE_WERROR=ON

.PHONY: run test build unit e2e bootstrap clean

run: BOOTSTRAP_FLAGS = --run
run: build
	scripts/run-quickstart

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure --timeout 120 -j 2
	cd tests/e2e && SLUICE_BIN=$(CURDIR)/$(BUILD_DIR)/sluice npm test

build: bootstrap
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR)

bootstrap:
	scripts/bootstrap $(BOOTSTRAP_FLAGS)

clean:
	rm -rf $(BUILD_DIR)
