// Package docxtest opens a written .docx back for tests: the XML of its
// body, where the text, the fonts and the page layout can be checked.
package docxtest

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// Body is the word/document.xml of a .docx held in raw.
func Body(t testing.TB, raw []byte) string { return Part(t, raw, "word/document.xml") }

// Part is one part of a .docx held in raw.
func Part(t testing.TB, raw []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("not a .docx: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no %s in the .docx", name)
	return ""
}
