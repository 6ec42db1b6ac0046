package spreadsheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/shakinm/xlsReader/xls"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Table is a sheet's first cells as text, row by row; Table[i] is Excel row i+1.
type Table [][]string

// Sheet is the first sheet of an .xlsx file, or a .csv file, read one row at
// a time, so that a sheet of a million rows is never held whole.
type Sheet struct {
	head   Table                    // the first rows, where the header is looked for
	peeked bool                     // head is read
	pos    int                      // rows of head handed out
	read   func() ([]string, error) // the file's next row; io.EOF after the last
	close  func() error
	// Rows is how many rows the file says it has (0 when it does not say).
	Rows int
}

// MaxFile bounds an uploaded roster file (a full sheet of 1,048,575 rows is far smaller).
const MaxFile = 200 << 20

// What an .xlsx may unpack to: its parts at most MaxUnpacked bytes in all,
// and at most maxRatio times the file (a roster's XML packs about ten to
// one; a zip bomb a thousand to one); a sheet at most MaxCells cells.
const (
	MaxUnpacked = 3 << 30
	maxRatio    = 100
	minUnpacked = 50 << 20 // what any file may unpack to, whatever its ratio
	MaxCells    = 20_000_000
)

// headerRows is how far down the header is looked for.
const headerRows = 20

// Open opens an .xlsx file or a .csv file (UTF-8, with or without BOM, or
// GB18030 as Excel in Chinese saves it).
func Open(name string, r io.Reader) (*Sheet, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return openXLSX(r)
	case ".csv", ".txt":
		return openCSV(r)
	case ".xls", ".et":
		return openXLS(r)
	}
	return nil, fmt.Errorf("不支持的文件类型“%s”:请上传 .xlsx、.xls 或 .csv 文件", filepath.Ext(name))
}

// openXLS reads the first sheet of an Excel 97–2003 (BIFF8) workbook, as
// Excel and WPS (.et) save it, with github.com/shakinm/xlsReader (see
// docs/LIBRARIES.md for why). The format keeps numbers as numbers: dates come
// as serial numbers, as from an .xlsx read raw. The reader is not
// maintained any more and panics on some malformed files: a panic is a
// file it cannot read, told as such.
func openXLS(r io.Reader) (sh *Sheet, err error) {
	unreadable := errors.New("无法打开这个 .xls 文件,它可能已损坏或不是 Excel 97–2003 格式;请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入")
	defer func() {
		if recover() != nil {
			sh, err = nil, unreadable
		}
	}()
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read the file: %w", err)
	}
	wb, err := xls.OpenReader(bytes.NewReader(raw))
	if err != nil || wb.GetNumberSheets() == 0 {
		return nil, unreadable
	}
	first, err := wb.GetSheet(0)
	if err != nil {
		return nil, unreadable
	}
	var rows [][]string
	cells := 0
	for i := 0; i < first.GetNumberRows(); i++ {
		row, err := first.GetRow(i)
		if err != nil {
			rows = append(rows, nil)
			continue
		}
		var out []string
		for _, c := range row.GetCols() {
			out = append(out, strings.TrimSpace(c.GetString()))
		}
		if cells += len(out); cells > MaxCells {
			return nil, fmt.Errorf("工作表的单元格超过 %d 个,未导入;名册每人一行、十几列即可,请删去多余的行列或拆分后导入", MaxCells)
		}
		rows = append(rows, out)
	}
	next := 0
	return &Sheet{Rows: len(rows), close: func() error { return nil }, read: func() ([]string, error) {
		if next >= len(rows) {
			return nil, io.EOF
		}
		next++
		return rows[next-1], nil
	}}, nil
}

// errNotXLSX is what a user is told of an .xlsx file that cannot be read.
var errNotXLSX = errors.New("无法打开这个 Excel 文件,它可能已损坏或不是 .xlsx 格式")

func openXLSX(r io.Reader) (*Sheet, error) {
	br, ok := r.(*bytes.Reader) // an upload already in memory is not copied
	if !ok {
		raw, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("read the file: %w", err)
		}
		br = bytes.NewReader(raw)
	}
	size := br.Size()
	// The sizes a zip declares bind its reader (archive/zip refuses more), so
	// they tell before anything is unpacked what the file would grow to.
	zr, err := zip.NewReader(br, size)
	if err != nil {
		return nil, errNotXLSX
	}
	var unpacked uint64
	for _, f := range zr.File {
		unpacked += f.UncompressedSize64
	}
	limit := min(max(uint64(size)*maxRatio, minUnpacked), MaxUnpacked)
	if unpacked > limit {
		return nil, fmt.Errorf("这个 Excel 文件解压后有 %d MB,超过允许的 %d MB(文件可能有异常),未读取任何内容;请检查文件,或另存为 .csv 后导入",
			unpacked>>20, limit>>20)
	}
	// Raw values: dates arrive as serial numbers whatever their display format.
	if _, err := br.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind the file: %w", err)
	}
	f, err := excelize.OpenReader(br, excelize.Options{RawCellValue: true, UnzipSizeLimit: int64(limit)})
	if err != nil {
		return nil, errNotXLSX
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, errors.New("这个 Excel 文件中没有工作表")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, errNotXLSX
	}
	sh := &Sheet{close: func() error { return errors.Join(rows.Close(), f.Close()) }}
	if ref, err := f.GetSheetDimension(sheets[0]); err == nil {
		if _, last, ok := strings.Cut(ref, ":"); ok {
			_, sh.Rows, _ = excelize.CellNameToCoordinates(last)
		}
	}
	cells := 0
	sh.read = func() ([]string, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, errors.New("这个 Excel 文件的内容无法读完,它可能已损坏;请在 Excel 中打开后重新保存")
			}
			return nil, io.EOF
		}
		row, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, errors.New("这个 Excel 文件中有一行无法读取,它可能已损坏;请在 Excel 中打开后重新保存")
		}
		if cells += len(row); cells > MaxCells {
			return nil, fmt.Errorf("工作表的单元格超过 %d 个,未导入;名册每人一行、十几列即可,请删去多余的行列或拆分后导入", MaxCells)
		}
		return row, nil
	}
	return sh, nil
}

func openCSV(r io.Reader) (*Sheet, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read the file: %w", err)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(raw) {
		if raw, err = simplifiedchinese.GB18030.NewDecoder().Bytes(raw); err != nil {
			return nil, errors.New("CSV 文件的编码无法识别,请保存为 UTF-8 或 GB18030(Excel 默认的“CSV(逗号分隔)”)")
		}
	}
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	sh := &Sheet{Rows: bytes.Count(raw, []byte("\n")), close: func() error { return nil }}
	if len(raw) > 0 && raw[len(raw)-1] != '\n' {
		sh.Rows++
	}
	line := 0
	sh.read = func() ([]string, error) {
		rec, err := cr.Read()
		line++
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("CSV 文件第%d行格式有误(引号不成对或分隔符有误),请在 Excel 中打开后另存为 CSV", line)
		}
		return rec, err
	}
	return sh, nil
}

// Header finds the header in the first rows (see FindHeader).
func (s *Sheet) Header() (Header, error) {
	return s.HeaderOf(aliases, rosterHeader, FName, FID)
}

// HeaderOf finds the header of a file of cols in the first rows (see FindHeaderOf).
func (s *Sheet) HeaderOf(cols Columns, missing string, required ...Field) (Header, error) {
	if err := s.peek(); err != nil {
		return Header{}, err
	}
	return FindHeaderOf(s.head, cols, missing, required...)
}

// peek reads the rows the header may be in.
func (s *Sheet) peek() error {
	if s.peeked {
		return nil
	}
	s.peeked = true
	for len(s.head) < headerRows {
		row, err := s.read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		s.head = append(s.head, row)
	}
	return nil
}

// Next returns the next row, from the first; io.EOF after the last.
func (s *Sheet) Next() ([]string, error) {
	if err := s.peek(); err != nil {
		return nil, err
	}
	if s.pos < len(s.head) {
		s.pos++
		return s.head[s.pos-1], nil
	}
	return s.read()
}

// Close releases the file.
func (s *Sheet) Close() error { return s.close() }
