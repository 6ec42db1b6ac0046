package library

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/gomutex/godocx/packager"
	"github.com/gomutex/godocx/wml/ctypes"

	"dangjian/internal/report"
)

// DocxText is the text of a .docx, a line per paragraph (a table's cells
// paragraph by paragraph), read with godocx, the library that writes the
// summaries. A file it cannot read is an error; godocx runs under recover
// because a damaged package must not stop the server.
func DocxText(raw []byte) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("docx: %v", r)
		}
	}()
	doc, err := packager.Unpack(&raw)
	if err != nil {
		return "", err
	}
	if doc.Document == nil || doc.Document.Body == nil {
		return "", fmt.Errorf("docx: no body")
	}
	var lines []string
	for _, c := range doc.Document.Body.Children {
		if c.Para != nil {
			lines = append(lines, paraText(c.Para.GetCT()))
		}
		if c.Table != nil {
			lines = append(lines, tableText(c.Table.GetCT())...)
		}
	}
	var kept []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n"), nil
}

func paraText(p *ctypes.Paragraph) string {
	var b strings.Builder
	var runs func(children []ctypes.ParagraphChild)
	runs = func(children []ctypes.ParagraphChild) {
		for _, ch := range children {
			if ch.Link != nil {
				if ch.Link.Run != nil {
					runText(&b, ch.Link.Run)
				}
				runs(ch.Link.Children)
			}
			if ch.Run != nil {
				runText(&b, ch.Run)
			}
		}
	}
	runs(p.Children)
	return b.String()
}

func runText(b *strings.Builder, r *ctypes.Run) {
	for _, c := range r.Children {
		if c.Text != nil {
			b.WriteString(c.Text.Text)
		}
		if c.Tab != nil {
			b.WriteString(" ")
		}
	}
}

func tableText(t *ctypes.Table) []string {
	var out []string
	for _, rc := range t.RowContents {
		if rc.Row == nil {
			continue
		}
		for _, cc := range rc.Row.Contents {
			if cc.Cell == nil {
				continue
			}
			for _, bc := range cc.Cell.Contents {
				if bc.Paragraph != nil {
					out = append(out, paraText(bc.Paragraph))
				}
				if bc.Table != nil {
					out = append(out, tableText(bc.Table)...)
				}
			}
		}
	}
	return out
}

// WriteDocx writes a document written in the browser as a .docx in the
// layout of official documents: its title, its paragraphs, the
// organisation and the day it was published.
func WriteDocx(d Doc) ([]byte, error) {
	var buf bytes.Buffer
	s := report.Summary{Title: d.Title, Sections: []report.Section{{Paragraphs: strings.Split(d.Body, "\n")}},
		Signature: []string{d.OrgName, d.PublishedOn.Chinese()}}
	err := report.WriteDocx(&buf, s, nil)
	return buf.Bytes(), err
}
