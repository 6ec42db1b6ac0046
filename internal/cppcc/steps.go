package cppcc

import (
	"dangjian/internal/apperr"
	"dangjian/internal/flow"
)

// The states of a proposal (States says them in words).
const (
	Draft      = "draft"
	Signing    = "signing"
	Submitted  = "submitted"
	Returned   = "returned"
	Filed      = "filed"
	Rejected   = "rejected"
	Merged     = "merged"
	Withdrawn  = "withdrawn"
	Handling   = "handling"
	Replied    = "replied"
	Rehandling = "rehandling"
	Closed     = "closed"
)

// The answers of a co-signer (SignerStates).
const (
	Invited   = "invited"
	Confirmed = "confirmed"
	Declined  = "declined"
	Lapsed    = "lapsed"
)

// The states of a handling unit's part (UnitStates).
const (
	PartHandling  = "handling"
	PartObjected  = "objected"
	PartWithdrawn = "withdrawn"
	PartExtension = "extension"
	PartOpinion   = "opinion"
	PartReplied   = "replied"
)

// Steps is every allowed transition of a proposal, of a co-signer's answer
// and of a handling unit's part: who takes it and the rule it keeps. Every
// step not in it is refused, and each is a compare-and-set on the state it
// starts from.
var Steps = flow.NewTable([]flow.Step{
	{Object: "proposal", Action: "submit", Label: "提交", From: []string{Draft, Returned}, To: Submitted, By: "member", Rule: "提案者本人提交;案由、类别、内容齐全"},
	{Object: "proposal", Action: "submit_joint", Label: "提交联名", From: []string{Draft, Returned}, To: Signing, By: "member", Rule: "联名提案提交后征集联名,附议委员在规定天数内确认"},
	{Object: "proposal", Action: "signed", Label: "结束会签", From: []string{Signing}, To: Submitted, By: "system", Rule: "附议委员全部答复或会签期限届满,且至少一名附议委员确认"},
	{Object: "proposal", Action: "withdraw", Label: "撤回", From: []string{Draft, Signing, Submitted, Returned}, To: Withdrawn, By: "member", Rule: "立案前提案者可以撤回"},
	{Object: "proposal", Action: "return", Label: "退回修改", From: []string{Submitted}, To: Returned, By: "office", Rule: "提案委员会退回提案者修改,须说明理由"},
	{Object: "proposal", Action: "file", Label: "立案", From: []string{Submitted}, To: Filed, By: "office", Rule: "审查立案,按届次编号"},
	{Object: "proposal", Action: "reject", Label: "不予立案", From: []string{Submitted}, To: Rejected, By: "office", Rule: "不予立案须选择条例规定的情形,并转为社情民意或委员来信"},
	{Object: "proposal", Action: "merge", Label: "并案", From: []string{Submitted}, To: Merged, By: "office", Rule: "并入一件已立案的同类提案办理,提案者同样得到答复"},
	{Object: "proposal", Action: "assign", Label: "交办", From: []string{Filed}, To: Handling, By: "office", Rule: "交办一个主办单位(可加会办单位),或分办给几个单位"},
	{Object: "proposal", Action: "replied", Label: "答复", From: []string{Handling, Rehandling}, To: Replied, By: "system", Rule: "主办单位答复(分办的:每个单位都已答复)"},
	{Object: "proposal", Action: "evaluate", Label: "评价", From: []string{Replied}, To: Closed, By: "member", Rule: "第一提案者评价满意或基本满意即办结"},
	{Object: "proposal", Action: "dissatisfied", Label: "评价不满意", From: []string{Replied}, To: Rehandling, By: "member", Rule: "评价不满意,在可重新办理的次数内重新办理"},
	{Object: "proposal", Action: "close", Label: "办结", From: []string{Replied}, To: Closed, By: "office", Rule: "评价期限届满未评价,或不满意而重新办理次数已用完"},

	{Object: "signer", Action: "confirm", Label: "确认联名", From: []string{Invited}, To: Confirmed, By: "member", Rule: "附议委员在会签期限内确认联名"},
	{Object: "signer", Action: "decline", Label: "不同意联名", From: []string{Invited}, To: Declined, By: "member", Rule: "附议委员不同意联名"},
	{Object: "signer", Action: "lapse", Label: "逾期", From: []string{Invited}, To: Lapsed, By: "system", Rule: "会签期限届满未答复"},

	{Object: "unit", Action: "object", Label: "申请调整", From: []string{PartHandling}, To: PartObjected, By: "unit", Rule: "承办单位在异议期限内说明不属于本单位职责"},
	{Object: "unit", Action: "keep", Label: "维持交办", From: []string{PartObjected}, To: PartHandling, By: "office", Rule: "提案委员会不同意调整,原单位继续办理"},
	{Object: "unit", Action: "reassign", Label: "改交其他单位", From: []string{PartObjected}, To: PartWithdrawn, By: "office", Rule: "提案委员会改交其他单位办理"},
	{Object: "unit", Action: "ask_extension", Label: "申请延期", From: []string{PartHandling}, To: PartExtension, By: "unit", Rule: "主办、分办单位说明理由申请延期"},
	{Object: "unit", Action: "extend", Label: "同意延期", From: []string{PartExtension}, To: PartHandling, By: "office", Rule: "提案委员会同意延期,最迟不超过交办后规定的最长期限"},
	{Object: "unit", Action: "refuse_extension", Label: "不同意延期", From: []string{PartExtension}, To: PartHandling, By: "office", Rule: "提案委员会不同意延期"},
	{Object: "unit", Action: "opinion", Label: "提出会办意见", From: []string{PartHandling}, To: PartOpinion, By: "unit", Rule: "会办单位向主办单位提出会办意见"},
	{Object: "unit", Action: "reply", Label: "答复", From: []string{PartHandling}, To: PartReplied, By: "unit", Rule: "主办、分办单位答复提案者,注明办理结果类别;主办单位须待会办意见"},
	{Object: "unit", Action: "rehandle", Label: "重新办理", From: []string{PartReplied}, To: PartHandling, By: "system", Rule: "提案者不满意,主办、分办单位重新办理"},
}, map[string]string{"create": "起草", "mark_key": "列为重点提案", "remind": "催办", "comment": "附议委员补充意见"})

// refused says that the action of object cannot start from the state.
func refused(stateLabel, object, action string) error {
	return apperr.Conflict("当前状态为“%s”,不能%s", stateLabel, Steps.Label(object, action))
}
