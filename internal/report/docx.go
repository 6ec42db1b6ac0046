package report

import (
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

// WriteDocx writes a summary as a .docx, its figures filled in from figs.
func WriteDocx(w io.Writer, s Summary, figs map[string]Figure) error {
	doc, err := godocx.NewDocument()
	if err != nil {
		return err
	}
	width, height := uint64(11906), uint64(16838) // A4 in twips
	doc.Document.Body.SectPr = &ctypes.SectionProp{
		PageSize:   &ctypes.PageSize{Width: &width, Height: &height},
		PageMargin: &ctypes.PageMargin{Top: twips(37), Bottom: twips(35), Left: twips(28), Right: twips(26), Header: twips(15), Footer: twips(28)},
	}
	title := paragraph(doc, s.Title, titleFont, titleSize)
	title.Justification(stypes.JustificationCenter)
	title.Spacing(0, 320)
	body := func(text string) {
		p := paragraph(doc, Plain(text, figs), bodyFont, bodySize)
		two := 200 // two characters, in hundredths of a character
		p.Indent(&ctypes.Indent{FirstLineChars: &two})
	}
	body(s.Opening)
	numbers := []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"}
	for i, sec := range s.Sections {
		n := ""
		if i < len(numbers) {
			n = numbers[i] + "、"
		}
		h := paragraph(doc, n+sec.Heading, headingFont, bodySize)
		two := 200
		h.Indent(&ctypes.Indent{FirstLineChars: &two})
		for _, text := range sec.Paragraphs {
			body(text)
		}
	}
	body(s.Closing)
	return doc.Write(w)
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
