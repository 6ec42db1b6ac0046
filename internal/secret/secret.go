// Package secret encrypts personal fields at rest with AES-256-GCM and makes
// keyed hashes (HMAC-SHA256) of them so that an exact value can be found and
// kept unique without storing it in the clear.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Box seals and opens personal fields with one master key.
type Box struct {
	aead    cipher.AEAD
	hashKey []byte
}

// New derives the encryption and hashing keys from a 32-byte master key.
func New(master []byte) (*Box, error) {
	if len(master) != 32 {
		return nil, errors.New("the secret key must be 32 bytes")
	}
	encKey := derive(master, "dangjian field encryption v1")
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, hashKey: derive(master, "dangjian field lookup v1")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Load returns the key from env (64 hex characters or 44 base64 characters);
// when env is empty, it reads keyFile, creating it with a random key and mode
// 0600 on first use.
func Load(env, keyFile string) (*Box, error) {
	if env != "" {
		k, err := decodeKey(env)
		if err != nil {
			return nil, fmt.Errorf("DANGJIAN_SECRET_KEY: %w", err)
		}
		return New(k)
	}
	raw, err := os.ReadFile(keyFile)
	if errors.Is(err, os.ErrNotExist) {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(keyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := f.WriteString(hex.EncodeToString(k) + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		return New(k)
	}
	if err != nil {
		return nil, err
	}
	k, err := decodeKey(string(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	return New(k)
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if k, err := hex.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	if k, err := base64.StdEncoding.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	return nil, errors.New("expected 32 bytes as 64 hex or 44 base64 characters")
}

// Seal encrypts plain; the empty string stays empty.
func (b *Box) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // the system's random source failing is not recoverable
	}
	out := b.aead.Seal(nonce, nonce, []byte(plain), nil)
	return "v1:" + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts what Seal produced.
func (b *Box) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", errors.New("malformed encrypted field")
	}
	ns := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:ns], raw[ns:], nil)
	if err != nil {
		return "", errors.New("encrypted field does not open with this key")
	}
	return string(plain), nil
}

// Hash is the keyed lookup hash of a value.
func (b *Box) Hash(v string) string {
	m := hmac.New(sha256.New, b.hashKey)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}
