// Package docxtest opens a written .docx back for tests: the XML of its
// body, where the text, the fonts and the page layout can be checked.
package docxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
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

// Paragraph is a paragraph of a .docx's body as a reader sees it: its
// text, its alignment (w:jc) and its space on the right in hundredths of
// a character (w:ind w:rightChars).
type Paragraph struct {
	Text       string
	Jc         string
	RightChars int
}

// Paragraphs are the paragraphs of the body of a .docx held in raw, in order.
func Paragraphs(t testing.TB, raw []byte) []Paragraph {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(Body(t, raw)))
	var out []Paragraph
	var cur *Paragraph
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("the body is no XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			attr := func(name string) string {
				for _, a := range e.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			switch e.Name.Local {
			case "p":
				out = append(out, Paragraph{})
				cur = &out[len(out)-1]
			case "jc":
				if cur != nil {
					cur.Jc = attr("val")
				}
			case "ind":
				if cur != nil {
					cur.RightChars, _ = strconv.Atoi(attr("rightChars"))
				}
			case "t":
				inText = true
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inText = false
			case "p":
				cur = nil
			}
		case xml.CharData:
			if inText && cur != nil {
				cur.Text += string(e)
			}
		}
	}
}
