package spam

import (
	"strconv"
	"testing"
	"time"
)

// A solution's number cut and its leading digits moved onto the salt hash
// to the same challenge; the salt is signed, so the splice is refused, and
// a salt of another form or a too distant expiry is refused even when
// signed (issue 26, point 6).
func TestProofOfWorkRefusesSplice(t *testing.T) {
	w := Work{Key: []byte("0123456789abcdef0123456789abcdef"), MaxNumber: 5000, TTL: time.Minute}
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	var s Solution
	for s.Number < 100 || strconv.FormatInt(s.Number, 10)[1] == '0' {
		var ok bool
		if s, ok = Solve(w.New(now)); !ok {
			t.Fatal("challenge not solvable")
		}
	}
	digits := strconv.FormatInt(s.Number, 10)
	spliced := s
	spliced.Salt += digits[:1]
	spliced.Number, _ = strconv.ParseInt(digits[1:], 10, 64)
	if digest(spliced.Salt, spliced.Number) != s.Challenge {
		t.Fatal("the splice does not hash to the challenge")
	}
	if _, err := w.Verify(spliced.Encode(), now); err == nil {
		t.Error("a spliced solution accepted")
	}
	exp := strconv.FormatInt(now.Add(w.TTL).Unix(), 10)
	far := strconv.FormatInt(now.Add(100*365*24*time.Hour).Unix(), 10)
	for _, salt := range []string{
		"0123456789abcdef01234567?expires=" + far,          // signed, but centuries ahead
		"0123456789abcdef01234567?expires=0" + exp,         // a leading zero
		"0123456789abcdef01234567?expires=" + exp + "&x=1", // more than the expiry
		"0123456789ABCDEF01234567?expires=" + exp,          // another alphabet
		"0123456789abcdef?expires=" + exp,                  // too short
	} {
		ch := digest(salt, 7)
		forged := Solution{Algorithm: "SHA-256", Challenge: ch, Number: 7, Salt: salt, Signature: w.sign(salt, ch)}
		if _, err := w.Verify(forged.Encode(), now); err == nil {
			t.Errorf("salt %q accepted", salt)
		}
	}
	good := "0123456789abcdef01234567?expires=" + exp
	ch := digest(good, 7)
	if key, err := w.Verify(Solution{Algorithm: "SHA-256", Challenge: ch, Number: 7, Salt: good, Signature: w.sign(good, ch)}.Encode(), now); err != nil || key != ch {
		t.Errorf("a salt of the right form refused: %q %v", key, err)
	}
}
