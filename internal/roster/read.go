// Package roster reads member rosters from the spreadsheets people keep
// (.xlsx, and .csv in UTF-8 or GB18030) and writes rosters back to .xlsx.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Table is a sheet's cells as text, row by row; Table[i] is Excel row i+1.
type Table [][]string

// ReadFile reads the first sheet of an .xlsx file or a .csv file (UTF-8,
// with or without BOM, or GB18030 as Excel in Chinese saves it).
func ReadFile(name string, r io.Reader) (Table, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return readXLSX(r)
	case ".csv", ".txt":
		return readCSV(r)
	}
	return nil, fmt.Errorf("不支持的文件类型“%s”:请上传 .xlsx 或 .csv 文件(旧的 .xls 请在 Excel 中另存为 .xlsx)", filepath.Ext(name))
}

func readXLSX(r io.Reader) (Table, error) {
	// Raw values: dates arrive as serial numbers whatever their display format.
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, errors.New("无法打开这个 Excel 文件,它可能已损坏或不是 .xlsx 格式")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("这个 Excel 文件中没有工作表")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var t Table
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		t = append(t, cols)
	}
	return t, rows.Error()
}

func readCSV(r io.Reader) (Table, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
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
	var t Table
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return nil, fmt.Errorf("CSV 文件第%d行格式有误:%v", len(t)+1, err)
		}
		t = append(t, rec)
	}
}
