package cppcc

import (
	"io"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/committee"
	"dangjian/internal/date"
	"dangjian/internal/report"
)

// The consultative documents of a proposal, written by the same machinery
// as the summaries (report.WriteDocx, the GB/T 9704 layout): the office's
// 交办函 to the handling units and a unit's 答复函 to the proposer.

// proposalName is a proposal's number and session in words: "十四届三次会议第12号提案".
func proposalName(c committee.Committee, p Proposal) string {
	return c.Name + p.SessionLabel + p.NumberText + "提案"
}

// WriteAssignLetter writes the 交办函 of an assigned proposal: to its
// units, which leads and which co-handles (or each its own part), the
// dates to object by and to reply by, and the proposal itself attached.
func WriteAssignLetter(w io.Writer, c committee.Committee, p Proposal) error {
	var units, leads, cos, splits []string
	var part Part
	for _, x := range p.Parts {
		if x.State == PartWithdrawn {
			continue
		}
		units = append(units, x.UnitName)
		switch x.Role {
		case "lead":
			leads = append(leads, x.UnitName)
		case "co":
			cos = append(cos, x.UnitName)
		default:
			splits = append(splits, x.UnitName)
		}
		if part.ID == 0 || x.Role == "lead" {
			part = x
		}
	}
	if len(units) == 0 || p.Number == nil {
		return apperr.Rule("提案立案并交办承办单位后才有交办函")
	}
	who := p.ProposerName
	if len(p.Signers) > 0 {
		who += "等" // a joint proposal names its first proposer
	}
	var roles string
	switch {
	case len(leads) > 0 && len(cos) > 0:
		roles = "由" + strings.Join(leads, "、") + "主办," + strings.Join(cos, "、") + "会办"
	case len(leads) > 0:
		roles = "由" + strings.Join(leads, "、") + "主办"
	default:
		roles = "由" + strings.Join(splits, "、") + "分别办理"
	}
	body := []string{
		"现将" + who + "提出的" + p.NumberText + "提案《" + p.Title + "》交你单位办理," + roles + "。",
		"请认真研究办理,于" + part.DueOn.Chinese() + "前书面答复提案者,同时抄送本委员会;对交办有异议的,请于" + part.ObjectBy.Chinese() + "前向本委员会说明理由。",
	}
	if len(cos) > 0 {
		body = append(body, "主办单位答复前应征求会办单位意见,会办单位应在答复期限内向主办单位提出书面意见。")
	}
	body = append(body, "附件:"+p.NumberText+"提案")
	doc := report.Summary{
		Title:     "关于交办" + proposalName(c, p) + "的函",
		To:        strings.Join(units, "、") + ":",
		Sections:  []report.Section{{Paragraphs: body}, {Heading: "附件 " + p.NumberText + "提案 " + p.Title, Paragraphs: strings.Split(p.Content, "\n")}},
		Signature: []string{c.Name + "提案委员会", part.AssignedOn.Chinese()},
	}
	return report.WriteDocx(w, doc, nil)
}

// WriteReplyLetter writes a unit's 答复函 of its part of a proposal: to
// the proposer, the reply as the unit gave it, its result class and how
// the unit got in touch, signed by the unit on the day it replied.
func WriteReplyLetter(w io.Writer, c committee.Committee, p Proposal, unitID int64) error {
	var part Part
	for _, x := range p.Parts {
		if x.UnitID == unitID && x.ReplyText != "" {
			part = x
		}
	}
	if part.ID == 0 || part.AnsweredAt == nil {
		return apperr.NotFound("答复")
	}
	body := strings.Split(part.ReplyText, "\n")
	body = append(body, "办理结果:"+Classes.Label(part.ReplyClass)+"。")
	if part.Contact != "" {
		body = append(body, "沟通方式:"+Contacts.Label(part.Contact)+"。")
	}
	body = append(body, "感谢您对我们工作的关心和支持。")
	doc := report.Summary{
		Title:     "关于" + proposalName(c, p) + "的答复",
		To:        p.ProposerName + "委员:",
		Opening:   "您提出的《" + p.Title + "》收悉。现答复如下:",
		Sections:  []report.Section{{Paragraphs: body}},
		Signature: []string{part.UnitName, date.Of(*part.AnsweredAt).Chinese()},
	}
	return report.WriteDocx(w, doc, nil)
}
