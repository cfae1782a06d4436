#include "TestCertificates.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace sluice::upstream::test {

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertificateFree {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertificatePtr = std::unique_ptr<X509, CertificateFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what + " failed");
}

KeyPtr make_key() {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "EC key generation");
  return key;
}

void add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  check(extension != nullptr, "building an extension");
  const int added = X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  check(added == 1, "adding an extension");
}

// A certificate for `key` named `common_name`, not yet signed and without extensions.
CertificatePtr make_certificate(EVP_PKEY* key, const std::string& common_name, long serial) {
  CertificatePtr certificate(X509_new());
  check(certificate != nullptr, "X509_new");
  check(X509_set_version(certificate.get(), 2) == 1, "setting the version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), serial) == 1, "setting the serial");
  check(X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600) != nullptr, "setting notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 24 * 3600) != nullptr, "setting notAfter");
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0) == 1,
        "setting the subject");
  check(X509_set_pubkey(certificate.get(), key) == 1, "setting the public key");
  return certificate;
}

std::string read_all(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);  // what BIO_get_mem_data expands to
  return std::string(data, static_cast<std::size_t>(size));
}

std::string certificate_to_pem(X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), certificate) == 1, "writing a certificate");
  return read_all(bio.get());
}

std::string key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "writing a key");
  return read_all(bio.get());
}

long next_serial() {
  static std::atomic<long> serial{1000};
  return ++serial;
}

}  // namespace

struct TestCertificateAuthority::Keys {
  KeyPtr key;
  CertificatePtr certificate;
};

TestCertificateAuthority::TestCertificateAuthority(const std::string& common_name) : keys_(std::make_unique<Keys>()) {
  keys_->key = make_key();
  keys_->certificate = make_certificate(keys_->key.get(), common_name, next_serial());
  X509* certificate = keys_->certificate.get();
  check(X509_set_issuer_name(certificate, X509_get_subject_name(certificate)) == 1, "setting the issuer");
  add_extension(certificate, certificate, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(certificate, certificate, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(certificate, certificate, NID_subject_key_identifier, "hash");
  check(X509_sign(certificate, keys_->key.get(), EVP_sha256()) > 0, "signing the CA certificate");
  certificate_pem_ = certificate_to_pem(certificate);
}

TestCertificateAuthority::~TestCertificateAuthority() = default;

TestCertificate TestCertificateAuthority::issue(const std::vector<std::string>& dns_names,
                                                const std::vector<std::string>& ip_addresses) const {
  KeyPtr key = make_key();
  const std::string common_name = dns_names.empty() ? ip_addresses.front() : dns_names.front();
  CertificatePtr certificate = make_certificate(key.get(), common_name, next_serial());
  X509* issuer = keys_->certificate.get();
  check(X509_set_issuer_name(certificate.get(), X509_get_subject_name(issuer)) == 1, "setting the issuer");

  std::string alternative_names;
  for (const auto& name : dns_names) alternative_names += (alternative_names.empty() ? "DNS:" : ",DNS:") + name;
  for (const auto& address : ip_addresses) alternative_names += (alternative_names.empty() ? "IP:" : ",IP:") + address;
  add_extension(certificate.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(certificate.get(), issuer, NID_key_usage, "critical,digitalSignature");
  add_extension(certificate.get(), issuer, NID_ext_key_usage, "serverAuth");
  add_extension(certificate.get(), issuer, NID_subject_alt_name, alternative_names);
  add_extension(certificate.get(), issuer, NID_authority_key_identifier, "keyid:always");
  check(X509_sign(certificate.get(), keys_->key.get(), EVP_sha256()) > 0, "signing a server certificate");
  return TestCertificate{certificate_to_pem(certificate.get()), key_to_pem(key.get())};
}

TemporaryFile::TemporaryFile(const std::string& contents) {
  static std::atomic<int> counter{0};
  path_ = (std::filesystem::temp_directory_path() /
           ("sluice-upstream-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".pem"))
              .string();
  std::ofstream file(path_, std::ios::binary | std::ios::trunc);
  file << contents;
  check(static_cast<bool>(file), "writing a temporary file");
}

TemporaryFile::~TemporaryFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

}  // namespace sluice::upstream::test
