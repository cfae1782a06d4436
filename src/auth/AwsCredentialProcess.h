// AwsCredentialProcess: runs a profile's `credential_process` helper and reads its credentials.
//
// The command line is split into words the way a POSIX shell would quote them — single quotes
// literal, double quotes with \" \\ \$ \` escapes, a backslash outside quotes escaping the next
// character — but no shell ever runs: no expansion, no pipes, no `;`. The program is found on PATH
// (posix_spawnp) and runs in its own process group with stdin from /dev/null, stdout to a pipe and
// stderr inherited (where helpers print prompts and diagnostics, as with the SDKs). When it runs
// longer than the time limit the whole group is killed. Its stdout must be the SDKs' JSON:
//   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...", "SessionToken": "...",
//    "Expiration": "2024-05-01T12:34:56Z"}
// (SessionToken and Expiration optional; without Expiration the credentials never expire).
// Messages name the program (argv[0]) but never its arguments or its output, either of which may
// hold a secret.
//
// The output is read asynchronously on the caller's executor — the credentials thread — and the
// child reaped there.
#pragma once

#include "auth/AwsCredentials.h"
#include "core/Expected.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::auth {

// The words of `command_line`; 502 upstream_credentials for an unclosed quote or no words.
Expected<std::vector<std::string>> split_command_line(std::string_view command_line);

// Runs `command_line` and returns its stdout when it exits 0 within `timeout`.
boost::asio::awaitable<Expected<std::string>> run_credential_process(std::string_view command_line,
                                                                      std::chrono::milliseconds timeout);

// Runs it and parses its JSON, labelling the credentials `source`.
boost::asio::awaitable<Expected<AwsCredentials>> credentials_from_process(
    std::string command_line, std::chrono::milliseconds timeout, std::string source);

}  // namespace sluice::auth
