#include "api/ModelList.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::api {

namespace json = boost::json;

namespace {

json::object model_object(const config::ModelConfig& model, std::int64_t created_unix) {
  // `owned_by` is who serves the id to the caller: the gateway, whatever routes sit behind it.
  return json::object{{"id", model.id},
                      {"object", "model"},
                      {"created", created_unix},
                      {"owned_by", "sluice"}};
}

}  // namespace

std::string model_list_body(const routing::ModelCatalog& models, const access::CallerKey& key,
                            std::int64_t created_unix) {
  json::array data;
  for (const auto* model : models.in_listing_order()) {
    if (key.may_use(*model)) data.push_back(model_object(*model, created_unix));
  }
  return json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}});
}

std::string model_object_body(const config::ModelConfig& model, std::int64_t created_unix) {
  return json::serialize(model_object(model, created_unix));
}

}  // namespace sluice::api
