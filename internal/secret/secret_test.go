package secret

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpenHash(t *testing.T) {
	b, err := New(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	s1, s2 := b.Seal("11010519491231002X"), b.Seal("11010519491231002X")
	if s1 == s2 || strings.Contains(s1, "1949") || !strings.HasPrefix(s1, "k1:") {
		t.Fatalf("sealed values: %q %q", s1, s2)
	}
	if p, err := b.Open(s1); err != nil || p != "11010519491231002X" {
		t.Fatalf("open: %q %v", p, err)
	}
	if h := b.Hash("x"); h != b.Hash("x") || h == b.Hash("y") {
		t.Fatal("hash is not a deterministic function of the value")
	}
	tampered := s1[:len(s1)-2] + "AA"
	if _, err := b.Open(tampered); err == nil {
		t.Fatal("a tampered value opened")
	}
	other, _ := New(bytes.Repeat([]byte{2}, 32))
	if _, err := other.Open(s1); err == nil || other.Hash("x") == b.Hash("x") {
		t.Fatal("another key opens the value or hashes alike")
	}
}

func TestKeyFileRing(t *testing.T) {
	file := filepath.Join(t.TempDir(), "secret.key")
	b, err := Load("", file)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(file); info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", info.Mode())
	}
	old := b.Seal("13812345678")
	oldHash := b.Hash("13812345678")
	// A second process (the rotate command) adds a key to the same file.
	other, err := Load("", file)
	if err != nil {
		t.Fatal(err)
	}
	id, err := other.AddKey()
	if err != nil || id != 2 {
		t.Fatalf("AddKey: %d %v", id, err)
	}
	fresh := other.Seal("13812345678")
	if !strings.HasPrefix(fresh, "k2:") {
		t.Fatalf("new values not sealed with the new key: %q", fresh)
	}
	// The first Box opens a value sealed with a key it had not loaded yet.
	if p, err := b.Open(fresh); err != nil || p != "13812345678" {
		t.Fatalf("open with a key added meanwhile: %q %v", p, err)
	}
	if p, err := other.Open(old); err != nil || p != "13812345678" {
		t.Fatalf("old value after rotation: %q %v", p, err)
	}
	hs := other.Hashes("13812345678")
	if len(hs) != 2 || hs[1] != oldHash || hs[0] != other.Hash("13812345678") {
		t.Fatalf("hashes under the ring: %v", hs)
	}
	if _, err := (&Box{}).AddKey(); err == nil {
		t.Fatal("AddKey without a file succeeded")
	}
}

func TestLoadFromEnvironment(t *testing.T) {
	k1, k2 := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	b, err := Load(k1+","+k2, "")
	if err != nil {
		t.Fatal(err)
	}
	if b.Active() != 2 {
		t.Fatalf("active key %d", b.Active())
	}
	if _, err := Load("short", ""); err == nil {
		t.Fatal("a short key was accepted")
	}
}
