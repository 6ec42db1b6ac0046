package spam

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The proof of work follows the ALTCHA protocol (altcha.org): the server
// hands out a challenge, the SHA-256 of a salt and a secret number, signed
// with its key; the browser finds the number by trying them in turn and
// sends it back with the challenge. Verifying costs the server one hash and
// one HMAC; solving costs the browser up to MaxNumber hashes. Its Go library
// is not served here; this is the protocol's server side.

// Challenge is what the browser solves.
type Challenge struct {
	Algorithm string `json:"algorithm"`
	Challenge string `json:"challenge"`
	MaxNumber int64  `json:"maxnumber"`
	Salt      string `json:"salt"`
	Signature string `json:"signature"`
}

// Solution is the browser's answer.
type Solution struct {
	Algorithm string `json:"algorithm"`
	Challenge string `json:"challenge"`
	Number    int64  `json:"number"`
	Salt      string `json:"salt"`
	Signature string `json:"signature"`
}

// Work issues and verifies challenges with a key.
type Work struct {
	Key []byte
	// MaxNumber bounds the secret number: the browser tries half of it on
	// average (100,000: under a second on a phone).
	MaxNumber int64
	// TTL is how long a challenge stays valid.
	TTL time.Duration
}

func (w Work) sign(challenge string) string {
	m := hmac.New(sha256.New, w.Key)
	m.Write([]byte(challenge))
	return hex.EncodeToString(m.Sum(nil))
}

func digest(salt string, n int64) string {
	sum := sha256.Sum256([]byte(salt + strconv.FormatInt(n, 10)))
	return hex.EncodeToString(sum[:])
}

// New is a fresh challenge, valid for the TTL from now.
func (w Work) New(now time.Time) Challenge {
	raw := make([]byte, 12)
	if _, err := rand.Read(raw); err != nil {
		panic(err)
	}
	salt := hex.EncodeToString(raw) + "?expires=" + strconv.FormatInt(now.Add(w.TTL).Unix(), 10)
	n, err := rand.Int(rand.Reader, big.NewInt(w.MaxNumber+1))
	if err != nil {
		panic(err)
	}
	ch := digest(salt, n.Int64())
	return Challenge{Algorithm: "SHA-256", Challenge: ch, MaxNumber: w.MaxNumber, Salt: salt, Signature: w.sign(ch)}
}

// Solve finds a challenge's number as a browser does (tests and the bench).
func Solve(c Challenge) (Solution, bool) {
	for n := int64(0); n <= c.MaxNumber; n++ {
		if digest(c.Salt, n) == c.Challenge {
			return Solution{Algorithm: c.Algorithm, Challenge: c.Challenge, Number: n, Salt: c.Salt, Signature: c.Signature}, true
		}
	}
	return Solution{}, false
}

// Encode is a solution as the form sends it (base64 of its JSON).
func (s Solution) Encode() string {
	b, _ := json.Marshal(s)
	return base64.StdEncoding.EncodeToString(b)
}

// ErrWork is a missing, wrong or expired proof of work.
var ErrWork = errors.New("proof of work refused")

// Verify checks an encoded solution at now and returns its salt, which the
// caller spends once (a solution is good for one submission).
func (w Work) Verify(payload string, now time.Time) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		return "", ErrWork
	}
	var s Solution
	if err := json.Unmarshal(raw, &s); err != nil || s.Algorithm != "SHA-256" || s.Number < 0 || s.Number > w.MaxNumber {
		return "", ErrWork
	}
	_, query, ok := strings.Cut(s.Salt, "?")
	if !ok {
		return "", ErrWork
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", ErrWork
	}
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil || now.Unix() > exp {
		return "", ErrWork
	}
	if !hmac.Equal([]byte(w.sign(s.Challenge)), []byte(s.Signature)) || digest(s.Salt, s.Number) != s.Challenge {
		return "", ErrWork
	}
	return s.Salt, nil
}
