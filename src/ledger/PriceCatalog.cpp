#include "ledger/PriceCatalog.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <array>
#include <fstream>
#include <sstream>

namespace sluice::ledger {

namespace {

namespace json = boost::json;
using config::Money4;

constexpr std::array<std::string_view, 5> kSupportedProviders{
    "openai", "openrouter", "google-vertex", "google-vertex-anthropic", "amazon-bedrock"};

// Bedrock cross-region inference profiles put a geography in front of the model id.
constexpr std::array<std::string_view, 8> kBedrockProfilePrefixes{
    "us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."};

bool fail(std::string* why, std::string reason) {
  if (why != nullptr) *why = std::move(reason);
  return false;
}

// A rate must be a JSON string: a number would already have gone through a double.
bool read_rate(const json::object& entry, std::string_view field, const std::string& where,
               std::optional<Money4>& out, std::string* why) {
  const auto* value = entry.if_contains(field);
  if (value == nullptr) return true;
  if (!value->is_string()) {
    return fail(why, fmt::format("{}.{} must be a decimal string", where, field));
  }
  std::string reason;
  const auto money = Money4::parse(value->get_string(), &reason);
  if (!money) return fail(why, fmt::format("{}.{} is invalid: {}", where, field, reason));
  if (money->is_negative()) return fail(why, fmt::format("{}.{} cannot be negative", where, field));
  out = money;
  return true;
}

bool read_model(const json::value& value, const std::string& where, ModelRates& rates,
                std::string* why) {
  if (!value.is_object()) return fail(why, fmt::format("{} must be an object", where));
  const auto& entry = value.get_object();
  for (const auto& field : entry) {
    const std::string_view key = field.key();
    if (key != "input" && key != "output" && key != "cache_read" && key != "cache_write") {
      return fail(why, fmt::format("{} has unknown field `{}`", where, key));
    }
  }
  std::optional<Money4> input;
  std::optional<Money4> output;
  if (!read_rate(entry, "input", where, input, why) ||
      !read_rate(entry, "output", where, output, why) ||
      !read_rate(entry, "cache_read", where, rates.cache_read, why) ||
      !read_rate(entry, "cache_write", where, rates.cache_write, why)) {
    return false;
  }
  if (!input || !output) return fail(why, fmt::format("{} needs both input and output", where));
  rates.input = *input;
  rates.output = *output;
  return true;
}

bool is_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

std::string_view string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string_view(value->get_string())
                                                : std::string_view();
}

}  // namespace

bool PriceCatalog::is_supported_provider(std::string_view pricing_provider_id) {
  return std::find(kSupportedProviders.begin(), kSupportedProviders.end(), pricing_provider_id) !=
         kSupportedProviders.end();
}

std::optional<PriceCatalog> PriceCatalog::parse(std::string_view text, std::string* why) {
  boost::system::error_code ec;
  const json::value document = json::parse(text, ec);
  if (ec) {
    fail(why, fmt::format("catalog is not valid JSON: {}", ec.message()));
    return std::nullopt;
  }
  const auto* providers =
      document.is_object() ? document.get_object().if_contains("providers") : nullptr;
  if (providers == nullptr || !providers->is_object()) {
    fail(why, "catalog needs a `providers` object");
    return std::nullopt;
  }
  PriceCatalog catalog;
  for (const auto& [provider_id, body] : providers->get_object()) {
    const std::string where = fmt::format("providers.{}", std::string_view(provider_id));
    if (!is_supported_provider(provider_id)) {
      fail(why, fmt::format("{}: `{}` is not a supported pricing_provider_id", where,
                            std::string_view(provider_id)));
      return std::nullopt;
    }
    const auto* object = body.if_object();
    const auto* models = object != nullptr ? object->if_contains("models") : nullptr;
    if (models == nullptr || !models->is_object()) {
      fail(why, fmt::format("{} needs a `models` object", where));
      return std::nullopt;
    }
    ProviderPrices prices;
    prices.as_of = string_field(*object, "as_of");
    prices.source = string_field(*object, "source");
    if (!is_iso_date(prices.as_of) || prices.source.empty()) {
      fail(why, fmt::format("{} needs `as_of` (YYYY-MM-DD) and a non-empty `source`", where));
      return std::nullopt;
    }
    for (const auto& [model_id, entry] : models->get_object()) {
      ModelRates rates;
      if (!read_model(entry, fmt::format("{}.models.{}", where, std::string_view(model_id)), rates,
                      why)) {
        return std::nullopt;
      }
      prices.models.emplace(std::string(model_id), rates);
    }
    catalog.providers_.emplace(std::string(provider_id), std::move(prices));
  }
  return catalog;
}

std::optional<PriceCatalog> PriceCatalog::load(const std::filesystem::path& file,
                                               std::string* why) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fail(why, fmt::format("cannot read pricing catalog {}", file.string()));
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), why);
}

const ModelRates* PriceCatalog::find_exact(const ProviderPrices& prices,
                                           std::string_view model) const {
  const auto it = prices.models.find(model);
  return it == prices.models.end() ? nullptr : &it->second;
}

const ModelRates* PriceCatalog::find(std::string_view pricing_provider_id,
                                     std::string_view model) const {
  const auto provider = providers_.find(pricing_provider_id);
  if (provider == providers_.end()) return nullptr;
  const ProviderPrices& prices = provider->second;
  if (const auto* rates = find_exact(prices, model)) return rates;

  if (pricing_provider_id == "amazon-bedrock") {
    for (const auto prefix : kBedrockProfilePrefixes) {
      if (model.starts_with(prefix)) return find_exact(prices, model.substr(prefix.size()));
    }
    return nullptr;
  }
  if (pricing_provider_id.starts_with("google-vertex")) {
    if (const auto slash = model.find('/'); slash != std::string_view::npos) {
      model.remove_prefix(slash + 1);
      if (const auto* rates = find_exact(prices, model)) return rates;
    }
    if (const auto at = model.find('@'); at != std::string_view::npos) {
      return find_exact(prices, model.substr(0, at));
    }
  }
  return nullptr;
}

std::size_t PriceCatalog::model_count() const {
  std::size_t count = 0;
  for (const auto& [id, prices] : providers_) count += prices.models.size();
  return count;
}

}  // namespace sluice::ledger
