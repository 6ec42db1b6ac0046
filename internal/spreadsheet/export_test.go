package spreadsheet

// What the tests (package spreadsheet_test, which takes its street from
// rostertest as the packages built on this one do) set or call inside.
var (
	AuditBatch   = &auditBatch
	MaxSheetRows = &maxSheetRows
	Take         = take
	NewOrgIndex  = newOrgIndex
	ParseRow     = parseRow
)
