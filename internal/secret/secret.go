package secret

import (
	"bufio"
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
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type key struct {
	aead  cipher.AEAD
	hash  []byte
	audit []byte
}

// Box seals, opens and hashes personal fields with a ring of keys.
type Box struct {
	mu      sync.RWMutex
	keys    map[int]key
	active  int
	file    string // the key file, when the ring comes from one
	modTime time.Time
	checked time.Time
}

// refreshEvery is how often a Box looks at its key file for a new key.
const refreshEvery = 2 * time.Second

func newKey(master []byte) (key, error) {
	if len(master) != 32 {
		return key{}, errors.New("a secret key must be 32 bytes")
	}
	block, err := aes.NewCipher(derive(master, "dangjian field encryption v1"))
	if err != nil {
		return key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, err
	}
	return key{aead: aead, hash: derive(master, "dangjian field lookup v1"), audit: derive(master, "dangjian audit chain v1")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// New returns a Box whose ring holds the given master keys, oldest first
// (ids 1, 2, …); the last one seals.
func New(masters ...[]byte) (*Box, error) {
	b := &Box{keys: map[int]key{}}
	for i, m := range masters {
		k, err := newKey(m)
		if err != nil {
			return nil, err
		}
		b.keys[i+1] = k
		b.active = i + 1
	}
	if b.active == 0 {
		return nil, errors.New("no secret key")
	}
	return b, nil
}

// Load returns the ring from env (keys as 64 hex characters, oldest first,
// separated by commas) or, when env is empty, from keyFile, which is created
// with one random key and mode 0600 on first use.
func Load(env, keyFile string) (*Box, error) {
	if env != "" {
		var masters [][]byte
		for _, part := range strings.Split(env, ",") {
			k, err := decodeKey(part)
			if err != nil {
				return nil, fmt.Errorf("DANGJIAN_SECRET_KEY: %w", err)
			}
			masters = append(masters, k)
		}
		return New(masters...)
	}
	if _, err := os.Stat(keyFile); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(keyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		_, werr := fmt.Fprintf(f, "1 %s\n", randomKey())
		if err := errors.Join(werr, f.Close()); err != nil {
			return nil, err
		}
	}
	b := &Box{file: keyFile}
	if err := b.reload(); err != nil {
		return nil, err
	}
	return b, nil
}

func randomKey() string {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err) // the system's random source failing is not recoverable
	}
	return hex.EncodeToString(k)
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

// reload reads the key file: one "id hexkey" per line (a bare key is id 1).
func (b *Box) reload() error {
	info, err := os.Stat(b.file)
	if err != nil {
		return err
	}
	f, err := os.Open(b.file)
	if err != nil {
		return err
	}
	defer f.Close()
	keys := map[int]key{}
	active := 0
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		id, material := 1, fields[0]
		if len(fields) == 2 {
			if id, err = strconv.Atoi(fields[0]); err != nil || id < 1 {
				return fmt.Errorf("%s line %d: bad key id", b.file, line)
			}
			material = fields[1]
		}
		raw, err := decodeKey(material)
		if err != nil {
			return fmt.Errorf("%s line %d: %w", b.file, line, err)
		}
		k, err := newKey(raw)
		if err != nil {
			return err
		}
		keys[id] = k
		active = max(active, id)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if active == 0 {
		return fmt.Errorf("%s holds no key", b.file)
	}
	b.mu.Lock()
	b.keys, b.active, b.modTime, b.checked = keys, active, info.ModTime(), time.Now()
	b.mu.Unlock()
	return nil
}

// refresh re-reads the key file when it changed since the last look.
func (b *Box) refresh(force bool) {
	if b.file == "" {
		return
	}
	b.mu.RLock()
	due := force || time.Since(b.checked) > refreshEvery
	mod := b.modTime
	b.mu.RUnlock()
	if !due {
		return
	}
	info, err := os.Stat(b.file)
	if err == nil && !info.ModTime().Equal(mod) {
		_ = b.reload() // a broken file keeps the ring already loaded
		return
	}
	b.mu.Lock()
	b.checked = time.Now()
	b.mu.Unlock()
}

func (b *Box) current() (int, key) {
	b.refresh(false)
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.active, b.keys[b.active]
}

// Active returns the id of the key that seals new values.
func (b *Box) Active() int {
	id, _ := b.current()
	return id
}

// Prefix is how values sealed with key id begin.
func Prefix(id int) string { return "k" + strconv.Itoa(id) + ":" }

// IsSealed tells whether v has the form Seal gives.
func IsSealed(v string) bool {
	id, _, ok := strings.Cut(v, ":")
	if !ok || len(id) < 2 || id[0] != 'k' {
		return false
	}
	_, err := strconv.Atoi(id[1:])
	return err == nil
}

// Seal encrypts plain with the newest key; the empty string stays empty.
func (b *Box) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	id, k := b.current()
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return Prefix(id) + base64.RawStdEncoding.EncodeToString(k.aead.Seal(nonce, nonce, []byte(plain), nil))
}

// Open decrypts what Seal produced, with whichever key of the ring sealed it.
func (b *Box) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	idText, body, ok := strings.Cut(sealed, ":")
	id, err := strconv.Atoi(strings.TrimPrefix(idText, "k"))
	if !ok || err != nil || !strings.HasPrefix(idText, "k") {
		return "", errors.New("malformed encrypted field")
	}
	b.mu.RLock()
	k, found := b.keys[id]
	b.mu.RUnlock()
	if !found {
		b.refresh(true)
		b.mu.RLock()
		k, found = b.keys[id]
		b.mu.RUnlock()
		if !found {
			return "", fmt.Errorf("encrypted field needs key %d, which is not in the key ring", id)
		}
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return "", errors.New("malformed encrypted field")
	}
	ns := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, raw[:ns], raw[ns:], nil)
	if err != nil {
		return "", errors.New("encrypted field does not open with its key")
	}
	return string(plain), nil
}

// MAC is the keyed hash of an audit entry under the newest key, as
// "a<key id>:<hex>", so that it is checked with the key it was made with
// after a rotation.
func (b *Box) MAC(data []byte) string {
	id, k := b.current()
	return "a" + strconv.Itoa(id) + ":" + mac(k.audit, data)
}

// CheckMAC tells whether m is the MAC of data under the key it names.
func (b *Box) CheckMAC(data []byte, m string) bool {
	idText, sum, ok := strings.Cut(m, ":")
	id, err := strconv.Atoi(strings.TrimPrefix(idText, "a"))
	if !ok || err != nil || !strings.HasPrefix(idText, "a") {
		return false
	}
	b.refresh(false)
	b.mu.RLock()
	k, found := b.keys[id]
	b.mu.RUnlock()
	return found && hmac.Equal([]byte(sum), []byte(mac(k.audit, data)))
}

func mac(key, data []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return hex.EncodeToString(m.Sum(nil))
}

// Hash is the lookup hash of v under the newest key.
func (b *Box) Hash(v string) string {
	_, k := b.current()
	return hashWith(k, v)
}

func hashWith(k key, v string) string { return mac(k.hash, []byte(v)) }

// Hashes are the lookup hashes of v under every key of the ring, newest
// first: during a rotation a stored hash may still be under an older key.
func (b *Box) Hashes(v string) []string {
	b.refresh(false)
	b.mu.RLock()
	defer b.mu.RUnlock()
	ids := make([]int, 0, len(b.keys))
	for id := range b.keys {
		ids = append(ids, id)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ids)))
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = hashWith(b.keys[id], v)
	}
	return out
}

// AddKey appends a new random key to the key file and makes it the newest.
// It refuses a ring given by the environment: the operator adds the key there.
func (b *Box) AddKey() (int, error) {
	if b.file == "" {
		return 0, errors.New("the keys come from DANGJIAN_SECRET_KEY: append a new key there (comma-separated), restart, then run keys rotate")
	}
	b.refresh(true)
	id := b.Active() + 1
	f, err := os.OpenFile(b.file, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	_, werr := fmt.Fprintf(f, "%d %s\n", id, randomKey())
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return 0, err
	}
	return id, b.reload()
}
