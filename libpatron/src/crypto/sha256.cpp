#include "crypto/sha256.hpp"

#include <openssl/evp.h>

#include "patron/exception.hpp"

namespace patron::crypto {

std::string sha256(std::string_view bytes) {
    std::string digest(EVP_MAX_MD_SIZE, '\0');
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(digest.data()),
                   &length, EVP_sha256(), nullptr) != 1) {
        throw Exception("SHA-256 failed");
    }
    digest.resize(length);
    return digest;
}

}  // namespace patron::crypto
