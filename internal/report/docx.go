package report

import (
	"archive/zip"
	"bytes"
	"io"
	"math"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"
)

// The layout of GB/T 9704-2012 (格式要求): A4, margins top 37 mm, bottom
// 35 mm, left 28 mm, right 26 mm; the title in 二号 方正小标宋简体, the
// body in 三号 仿宋_GB2312 with the first line indented two characters,
// headings of the first level in 三号 黑体. The fonts named first are
// those of official documents; a machine without them falls back to
// those after (Word picks the East-Asian font by name).
const (
	titleFont   = "方正小标宋简体"
	bodyFont    = "仿宋_GB2312"
	headingFont = "黑体"
	titleSize   = 22 // 二号, points
	bodySize    = 16 // 三号
)

func twips(mm float64) *int {
	v := int(math.Round(mm * 1440 / 25.4))
	return &v
}

// WriteDocx writes a summary as a .docx, its figures filled in from figs
// (a figure that is nought not stated as work done: StatedSummary).
func WriteDocx(w io.Writer, s Summary, figs map[string]Figure) error {
	s = StatedSummary(s, figs)
	doc, err := godocx.NewDocument()
	if err != nil {
		return err
	}
	width, height := uint64(11906), uint64(16838) // A4 in twips
	doc.Document.Body.SectPr = &ctypes.SectionProp{
		FooterReference: &ctypes.FooterReference{Type: stypes.HdrFtrDefault, ID: footerRel},
		PageSize:        &ctypes.PageSize{Width: &width, Height: &height},
		PageMargin:      &ctypes.PageMargin{Top: twips(37), Bottom: twips(35), Left: twips(28), Right: twips(26), Header: twips(15), Footer: twips(28)},
	}
	title := paragraph(doc, s.Title, titleFont, titleSize)
	title.Justification(stypes.JustificationCenter)
	title.Spacing(0, 320)
	body := func(text string) {
		p := paragraph(doc, Plain(text, figs), bodyFont, bodySize)
		two := 200 // two characters, in hundredths of a character
		p.Indent(&ctypes.Indent{FirstLineChars: &two})
	}
	if s.To != "" {
		paragraph(doc, s.To, bodyFont, bodySize)
	}
	if s.Opening != "" {
		body(s.Opening)
	}
	if s.Subtitle != "" {
		sub := paragraph(doc, s.Subtitle, titleFont, titleSize)
		sub.Justification(stypes.JustificationCenter)
		sub.Spacing(320, 320)
	}
	headed := 0
	for _, sec := range s.Sections {
		if sec.Heading != "" {
			h := paragraph(doc, Numeral(headed)+sec.Heading, headingFont, bodySize)
			headed++
			two := 200
			h.Indent(&ctypes.Indent{FirstLineChars: &two})
		}
		for _, text := range sec.Paragraphs {
			body(text)
		}
	}
	if s.Closing != "" {
		body(s.Closing)
	}
	for i, right := range SignatureIndents(s.Signature) {
		p := paragraph(doc, s.Signature[i], bodyFont, bodySize)
		p.Justification(stypes.JustificationRight)
		twip := right * bodySize * 20 / 100 // a character of 三号 is 16 points, 320 twips
		p.Indent(&ctypes.Indent{RightChars: &right, Right: &twip})
		if i == 0 {
			p.Spacing(640, 0) // two blank lines before the issuing body
		}
	}
	var raw bytes.Buffer
	if err := doc.Write(&raw); err != nil {
		return err
	}
	return withPageNumbers(w, raw.Bytes())
}

// The page numbers of GB/T 9704 (7.5): 4号 半角宋体 Arabic numerals between
// two dashes, "— 1 —", under the type area. godocx writes no footer part,
// so the package is copied with one added: the part, its relationship and
// its content type; the section already refers to it (footerRel).
const (
	footerRel  = "rIdDangjianFooter"
	footerPart = "word/footer1.xml"
	footerXML  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>` +
		footerRun + `<w:t xml:space="preserve">— </w:t></w:r>` + footerRun + `<w:fldChar w:fldCharType="begin"/></w:r>` +
		footerRun + `<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` + footerRun + `<w:fldChar w:fldCharType="separate"/></w:r>` +
		footerRun + `<w:t>1</w:t></w:r>` + footerRun + `<w:fldChar w:fldCharType="end"/></w:r>` +
		footerRun + `<w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`
	footerRun = `<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr>`
)

func withPageNumbers(w io.Writer, raw []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		switch f.Name {
		case "word/_rels/document.xml.rels":
			content = bytes.Replace(content, []byte("</Relationships>"), []byte(`<Relationship Id="`+footerRel+
				`" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>`), 1)
		case "[Content_Types].xml":
			content = bytes.Replace(content, []byte("</Types>"), []byte(`<Override PartName="/`+footerPart+
				`" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>`), 1)
		}
		out, err := zw.Create(f.Name)
		if err != nil {
			return err
		}
		if _, err := out.Write(content); err != nil {
			return err
		}
	}
	out, err := zw.Create(footerPart)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(out, footerXML); err != nil {
		return err
	}
	return zw.Close()
}

// SignatureIndents lays out the 落款 of GB/T 9704 (7.3.5): the last line,
// the date (成文日期), set right with four characters' space (右空四字),
// the lines above it, the issuing body (发文机关署名), centred over the
// date. A body too long for that keeps two characters' space (右空二字)
// and the date is centred under it. Each line's space on the right is in
// hundredths of a character (Word's rightChars).
func SignatureIndents(lines []string) []int {
	if len(lines) == 0 {
		return nil
	}
	width := func(s string) int { // a half-width rune (the Arabic numerals) is half a character
		n := 0
		for _, r := range s {
			if r < 0x80 {
				n += 50
			} else {
				n += 100
			}
		}
		return n
	}
	date := width(lines[len(lines)-1])
	centre := 400 + date/2 // the date's centre, from the right margin
	for _, l := range lines[:len(lines)-1] {
		centre = max(centre, 200+width(l)/2)
	}
	out := make([]int, len(lines))
	for i, l := range lines {
		out[i] = centre - width(l)/2
	}
	return out
}

var numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"}

// Numeral is the number of the i-th heading of the first level (from 0): "一、".
func Numeral(i int) string {
	if i < len(numerals) {
		return numerals[i] + "、"
	}
	return ""
}

// paragraph adds a paragraph of one run in an East-Asian font and size.
func paragraph(doc *docx.RootDoc, text, font string, size uint64) *docx.Paragraph {
	p := doc.AddParagraph("")
	p.AddText(text).Size(size)
	for _, c := range p.GetCT().Children {
		if c.Run != nil {
			if c.Run.Property == nil {
				c.Run.Property = &ctypes.RunProperty{}
			}
			c.Run.Property.Fonts = &ctypes.RunFonts{Ascii: "Times New Roman", HAnsi: "Times New Roman", EastAsia: font}
		}
	}
	return p
}
