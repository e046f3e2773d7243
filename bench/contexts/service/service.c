/* A small service for the bench: reads stdin, answers with its SHA-256 and its size
 * after zlib compression. It only has to build against real libraries. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

int main(void) {
  static unsigned char buffer[1 << 16];
  EVP_MD_CTX *digest = EVP_MD_CTX_new();
  z_stream stream = {0};
  unsigned char out[1 << 16];
  unsigned long compressed = 0;
  size_t got;
  if (digest == NULL || !EVP_DigestInit_ex(digest, EVP_sha256(), NULL)) return 1;
  if (deflateInit(&stream, Z_BEST_COMPRESSION) != Z_OK) return 1;
  while ((got = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
    EVP_DigestUpdate(digest, buffer, got);
    stream.next_in = buffer;
    stream.avail_in = (uInt)got;
    do {
      stream.next_out = out;
      stream.avail_out = sizeof out;
      deflate(&stream, Z_NO_FLUSH);
      compressed += sizeof out - stream.avail_out;
    } while (stream.avail_out == 0);
  }
  do {
    stream.next_out = out;
    stream.avail_out = sizeof out;
    deflate(&stream, Z_FINISH);
    compressed += sizeof out - stream.avail_out;
  } while (stream.avail_out == 0);
  deflateEnd(&stream);
  unsigned char sum[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(digest, sum, &length);
  EVP_MD_CTX_free(digest);
  for (unsigned int i = 0; i < length; i++) printf("%02x", sum[i]);
  printf(" %lu\n", compressed);
  return 0;
}
