// Package tables lays out the statistics tables superiors ask for, beside the
// figures they show (package stats, which stays free of Excel): the
// 党员队伍基本情况, coverage and grassroots-work tables read from the maintained
// figures, the four tables of a period (党员增减, 发展党员, 党组织增减, 流动党员)
// counted from its records, and the annual workbook of all seven; each table
// for a page, the API or an .xlsx; and CheckAnnual, which compares the
// period's tables with a recount from the rows. It imports stats, org and
// work; the API, the pages and the command use it.
//
// # Tables from the maintained figures
//
// ReadStats reads the organisation and its live direct children in one query,
// whatever the size of the subtree, through the caller's scope (a table never
// holds a line the caller may not see; each export is audited). Every table has
// a 合计 line (the subtree), a line per child (each its own subtree) and the
// organisation's own line (本级), computed as the total minus the children, so
// that the lines always add up in Excel, as the superior receiving the table
// checks first. The layouts: MembersLayout (党员队伍基本情况统计表: members, of whom
// full, probationary, women, minorities, college or above and flowing out;
// education; the annual report's age bands; the pipeline; organisations by
// type), WorkLayout (基层党建工作统计表: every figure of the work summary for the
// months chosen, money in yuan as numbers formatted #,##0.00) and
// CoverageLayout (党组织覆盖情况统计表: units by type, the non-public ones, and the
// three ways a unit stands — covered, 有党员无组织, 有企业无党员 — which add up to
// the units on every line). All cells are numbers, under two heading rows whose
// groups are merged; the headings and first column stay in view.
//
// # The annual workbook
//
// Workbook (GET /api/v1/orgs/{id}/annual/export?from=&to=, dangjian export
// annual, the tabs of the statistics print page) is one workbook for a period
// of whole months: 党员队伍基本情况, then four tables read from the period's
// records — 党员增减 (members at the start; 增加 by 发展党员, 转入组织关系, 恢复党籍;
// 减少 by 死亡, 出党 = 开除党籍 + 除名 + 退党, 取消预备党员资格, 停止党籍, 转出组织关系;
// members at the end), 发展党员 (申请入党, 确定为积极分子, 列为发展对象 by the
// pipeline's dates; those admitted with 女, 少数民族, 大专及以上, by age on the day,
// education and occupation, the rest as 其他职业; 转正), 党组织增减 (start, 新建 by
// founding date, 撤销 by dissolution, end, the end by type) and 流动党员 (start,
// begun, ended, end) — then the coverage and the work of the same months.
//
// A person's event counts at the organisation they were in on its day: the
// current one, or, when a letter received since moved them, the issuing side of
// the first letter received on or after that day; transfers count at both sides
// when received. The members at the end are the maintained count less the
// changes since; the start is the end less the period's increases plus its
// decreases. The changes of standing are transitions of the pipeline
// (member.Transitions) recorded in stage_events with their dates. Members
// entered on the roster with a joining date in the period count as admitted
// then, as the annual report counts them.
//
// CheckAnnual (dangjian check [--year], TestAnnualTables) compares the tables
// of every top organisation, cell by cell, with stats.RecountAnnual, which
// walks each person's history forward over all rows and counts the members of
// each day directly; each recounted line must also add up (start + increases −
// decreases = end; the breakdowns of those admitted sum to their number), and
// each person's walk must end where the roster has them (an unrecorded change
// shows as a stray).
package tables
