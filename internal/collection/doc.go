// Package collection is the national information collection of 2017 (党组织和
// 党员基本信息采集) in and out: it writes an organisation's subtree as the
// collection workbook (WriteCollection: the 采集表 of each organisation and
// member and the two 汇总表, ID numbers and phones in the clear, the export
// recorded with its purpose; POST /api/v1/orgs/{id}/collection/export,
// dangjian export collection --reason), and fills an empty database from such
// a workbook (ImportCollection, dangjian import collection), every row checked
// before anything is written. It imports spreadsheet, member and org; the API,
// the pages and the command use it.
//
// The four sheets are those from which the national Party-member information
// system was loaded: 党组织和所在单位基本信息采集表 and 党员基本信息采集表 (one block
// of items per organisation or member, as the paper forms; above a million
// rows the rest are left to the subtrees' own exports, the summaries holding
// everyone) and their 汇总表 (one row each, which is what an import reads).
//
// Sources: the organisation departments' notices relaying the Central
// Organisation Department's notice on the collection (e.g. 安徽 皖组通字〔2017〕
// 26号 as relayed by a university party committee on 2017-06-19, and 黑龙江
// 黑组通字〔2017〕32号 relayed on 2017-07-11: "采集内容共26项 … 党组织和所在单位基本
// 信息10项、党员基本信息16项", 附件1–4) and the 《党组织和党员基本信息采集说明(0614)》,
// which names the four tables and the first six items of the organisation's
// form (党组织名称, 党组织书记, 党组织联系人, 联系电话, 组织类别, 党组织所在单位情况 with
// its three values 与上级党组织相同 / 法人单位 / 联合党支部). Not confirmed word for
// word from a public source: the organisation's items 7–10 and the member's
// sixteen (OrgItems, MemberItems), which follow the published forms as
// remembered; 失去联系日期 and 外出流向 are sub-items of the last two. We hold no
// organisation contact person or phone and no member's home address: those
// cells are empty. The summaries add the columns an import needs to rebuild
// the tree (序号, 上级党组织, 上级党组织序号, 成立日期; 外出流向, 所在党组织序号).
//
// An import fills an empty database only (rosters go in by the roster
// import): every row is checked first, then the whole workbook is loaded into
// a scratch SQLite database, and only when every organisation and member went
// in there is it loaded into the real one, so a wrong row (named by sheet,
// row, column and reason) writes nothing. Members are the Party members (full
// and probationary); people in the pipeline are not part of the collection.
// TestCollectionRoundTrip exports a street from each engine, imports it into
// an empty database and finds the same organisations, members and figures
// that recount. There is no page for the import: it is a command, run once
// when a deployment starts.
package collection
