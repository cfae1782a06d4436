// The one translation unit that compiles Boost.Asio and Boost.Beast (with OpenSSL support).
// Every other file includes their headers with BOOST_*_SEPARATE_COMPILATION defined, so they only
// see declarations: the build stays quick and the library code is compiled exactly once.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
