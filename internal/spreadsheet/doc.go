// Package spreadsheet is the system's Excel and CSV in and out, named for
// that because more than the roster passes through it: it reads the
// spreadsheets people keep (.xlsx, .xls of Excel 97–2003 and WPS, and .csv in
// UTF-8 or GB18030) row by row, finding the header below any title rows and
// reading messy cells, and imports a member roster with every row checked
// before anything is written (or only the valid rows), with a report that
// marks the bad cells red; it writes the roster back to .xlsx in the layout it
// reads, the empty template, the work records, the 换届 list and any page's
// table as a sheet. It imports member, org and work; the statistics tables
// (stats/tables), the national collection (collection), the dues' import of
// bases and the committee's member list build on it.
//
// # Reading
//
// Open reads the first sheet of an .xlsx as raw cell values (so dates arrive as
// Excel serial numbers whatever their display format), an .xls, or a .csv
// (UTF-8 with or without BOM, otherwise GB18030, as Excel in Chinese saves
// it), a row at a time, bounded by MaxCells. The header (FindHeader; other
// lists pass their own columns to FindHeaderOf) is the first of the first 20
// rows that holds the required columns; a header cell emptied by a vertical
// merge takes the text above it, and the usual variants of every header are
// known (身份证号, 入党时间, 文化程度, 所在党支部, 手机号码 …). Dates are read as Excel
// serials, 2003-07-01, 2003/7/1, 2003.7.1, 2003年7月1日, 20030701, or a month
// alone (2003.07, the first of the month; a birth month is checked against the
// ID number, which gives the day). Full-width digits, stray spaces and a
// lower-case x are normalised; an ID number Excel turned into a number
// (1.10105E+17) is named as such.
//
// # The roster import
//
// An import runs in one transaction and never holds the sheet whole: a
// goroutine reads, parses and checks each row as far as that needs no write
// lock (member.Service.Check), while the transaction takes the checked rows 500
// at a time (member.Service.AddNew) and prepares each long statement once
// (store.KeepStatements; a larger SQLite page cache made no measurable
// difference at 10 M and was left out). A person is matched by the keyed hash
// of their ID number: re-importing updates or leaves alone, and a person in
// another organisation is refused (that is a transfer). Field errors are placed
// on the file's own column headers; a row's unreadable cells and what
// registering it would refuse are reported together. In the default mode any
// error rolls everything back; in "valid" mode the refused rows are absent; a
// dry run always rolls back. A clean trial run's file is kept with its job for
// an hour, and 确认导入 starts the real import from it once (a compare-and-set
// on the job). The report names up to 1,000 people added or changed. Imports
// in a server run one at a time (ImportFile queues, opens the file only at its
// turn and gives the memory back when it ends).
//
// Export streams member.Service.Each into excelize's stream writer under a
// title row, in the column layout the import reads back.
package spreadsheet
