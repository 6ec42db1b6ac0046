// Package report drafts the documents users hand upward from the live
// figures — an organisation's or a committee's work summary (工作总结) — and
// writes documents as Word files in the national layout of official documents
// (WriteDocx, GB/T 9704: A4, its margins, a 小标宋 title, 仿宋 三号 body, 黑体
// headings numbered 一、二、, page numbers "— 1 —", a 主送机关 line flush left and
// the issuing body and date set right). It imports stats, work and store; the
// consultative work (cppcc's 交办函 and 答复函, opinion's 专刊), the library and
// the pages use it.
//
// Draft builds a summary from sentence templates: an opening, one section per
// area, closing remarks, the title naming the body and the period. A draft's
// text carries each figure as a placeholder by its Chinese name, 〔走访慰问〕, that the user may move or
// delete while editing; the figures are filled in from the records when the
// document is written, so the .docx carries the figures of the moment of
// export. The preview links each figure to its list with the same period (its
// rows number the figure); a number typed by hand is marked. An organisation's
// summary draws on the members' and the work records' figures, a committee's
// on its proposals, activities, 社情民意, letters and forum (cppcc.SummaryTemplates
// and SummaryFigures, the same rows as its board, read for the period).
//
// A Holder reads and saves for either tree (report_templates for
// organisations, committee_templates for committees): each sentence pattern
// may be rewritten by an office for its node and those below it, the nearest
// node's text winning and an empty one going back to the one above or the
// built-in ({组织} and {期间} stand for the name and the period); and an office
// keeps one draft of a period's summary (summary_drafts; SaveDraft, Draft): the
// texts as the form sent them, figures still placeholders, so a draft loaded
// again shows the figures of the day it is opened. Each change is audited. A
// summary is kept for good by publishing it to the library.
//
// godocx writes no footer part, so withPageNumbers copies the package with one
// added (the page number as a PAGE field in 4号宋体); docs/LIBRARIES.md says
// why godocx.
package report
