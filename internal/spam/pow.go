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
	"regexp"
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
//
// ALTCHA signs the challenge alone; here the signature covers the salt too,
// and the salt must have exactly the form New gives it. Otherwise the
// leading digits of the number could be moved onto the salt's expiry: the
// same hash, a new salt and an expiry centuries ahead (issue 26, point 6).

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

func (w Work) sign(salt, challenge string) string {
	m := hmac.New(sha256.New, w.Key)
	m.Write([]byte(salt + "\x00" + challenge))
	return hex.EncodeToString(m.Sum(nil))
}

// saltForm is the form of every salt New makes: 24 hexadecimal digits and
// the expiry in Unix seconds, without a leading zero.
var saltForm = regexp.MustCompile(`^[0-9a-f]{24}\?expires=([1-9][0-9]{0,18})$`)

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
	return Challenge{Algorithm: "SHA-256", Challenge: ch, MaxNumber: w.MaxNumber, Salt: salt, Signature: w.sign(salt, ch)}
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

// Verify checks an encoded solution at now and returns the key to spend it
// by, its challenge: whatever salt and number a solution is rearranged into,
// it is the same hash, so the caller spends it once (a solution is good for
// one submission).
func (w Work) Verify(payload string, now time.Time) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		return "", ErrWork
	}
	var s Solution
	if err := json.Unmarshal(raw, &s); err != nil || s.Algorithm != "SHA-256" || s.Number < 0 || s.Number > w.MaxNumber {
		return "", ErrWork
	}
	form := saltForm.FindStringSubmatch(s.Salt)
	if form == nil {
		return "", ErrWork
	}
	exp, err := strconv.ParseInt(form[1], 10, 64)
	if err != nil || now.Unix() > exp || exp > now.Add(w.TTL).Unix() {
		return "", ErrWork
	}
	if !hmac.Equal([]byte(w.sign(s.Salt, s.Challenge)), []byte(s.Signature)) || digest(s.Salt, s.Number) != s.Challenge {
		return "", ErrWork
	}
	return s.Challenge, nil
}
