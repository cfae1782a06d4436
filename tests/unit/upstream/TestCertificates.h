// Throwaway X.509 certificates for the TLS tests, made at test time with the OpenSSL C API.
//
// A TestCertificateAuthority is a self-signed CA (P-256 key); issue() signs server certificates
// for the given DNS names and IP addresses. Nothing is written to disk except what a test asks
// for with write_temp_file() — the client reads its trust store from files.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace sluice::upstream::test {

struct TestCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
};

class TestCertificateAuthority {
 public:
  explicit TestCertificateAuthority(const std::string& common_name);
  ~TestCertificateAuthority();
  TestCertificateAuthority(const TestCertificateAuthority&) = delete;
  TestCertificateAuthority& operator=(const TestCertificateAuthority&) = delete;

  const std::string& certificate_pem() const { return certificate_pem_; }

  // A server certificate (serverAuth) signed by this CA, valid for the given subject alternative
  // names, from an hour ago to a day from now.
  TestCertificate issue(const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses) const;

 private:
  struct Keys;
  std::unique_ptr<Keys> keys_;
  std::string certificate_pem_;
};

// A file in the temporary directory holding `contents`, removed when the object is destroyed.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& contents);
  ~TemporaryFile();
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace sluice::upstream::test
