package cppcc

import (
	"dangjian/internal/store"
)

// Step is one allowed transition: of a proposal, of a co-signer's answer,
// or of a handling unit's part; who takes it and the rule it keeps. Every
// step not in Steps is refused, and each is a compare-and-set on the state
// it starts from.
type Step struct {
	Object string // "proposal", "signer" or "unit"
	Action string
	From   []string
	To     string
	By     string // "member", "office", "unit" or "system"
	Rule   string
}

// Steps are the states of the consultative work as data.
var Steps = []Step{
	{"proposal", "submit", []string{"draft", "returned"}, "submitted", "member", "提案者本人提交;案由、类别、内容齐全"},
	{"proposal", "submit_joint", []string{"draft", "returned"}, "signing", "member", "联名提案提交后征集联名,附议委员在规定天数内确认"},
	{"proposal", "signed", []string{"signing"}, "submitted", "system", "附议委员全部答复或会签期限届满,且至少一名附议委员确认"},
	{"proposal", "withdraw", []string{"draft", "signing", "submitted", "returned"}, "withdrawn", "member", "立案前提案者可以撤回"},
	{"proposal", "return", []string{"submitted"}, "returned", "office", "提案委员会退回提案者修改,须说明理由"},
	{"proposal", "file", []string{"submitted"}, "filed", "office", "审查立案,按届次编号"},
	{"proposal", "reject", []string{"submitted"}, "rejected", "office", "不予立案须选择条例规定的情形,并转为社情民意或委员来信"},
	{"proposal", "merge", []string{"submitted"}, "merged", "office", "并入一件已立案的同类提案办理,提案者同样得到答复"},
	{"proposal", "assign", []string{"filed"}, "handling", "office", "交办一个主办单位(可加会办单位),或分办给几个单位"},
	{"proposal", "replied", []string{"handling", "rehandling"}, "replied", "system", "主办单位答复(分办的:每个单位都已答复)"},
	{"proposal", "evaluate", []string{"replied"}, "closed", "member", "第一提案者评价满意或基本满意即办结"},
	{"proposal", "dissatisfied", []string{"replied"}, "rehandling", "member", "评价不满意,在可重新办理的次数内重新办理"},
	{"proposal", "close", []string{"replied"}, "closed", "office", "评价期限届满未评价,或不满意而重新办理次数已用完"},

	{"signer", "confirm", []string{"invited"}, "confirmed", "member", "附议委员在会签期限内确认联名"},
	{"signer", "decline", []string{"invited"}, "declined", "member", "附议委员不同意联名"},
	{"signer", "lapse", []string{"invited"}, "lapsed", "system", "会签期限届满未答复"},

	{"unit", "object", []string{"handling"}, "objected", "unit", "承办单位在异议期限内说明不属于本单位职责"},
	{"unit", "keep", []string{"objected"}, "handling", "office", "提案委员会不同意调整,原单位继续办理"},
	{"unit", "reassign", []string{"objected"}, "withdrawn", "office", "提案委员会改交其他单位办理"},
	{"unit", "ask_extension", []string{"handling"}, "extension", "unit", "主办、分办单位说明理由申请延期"},
	{"unit", "extend", []string{"extension"}, "handling", "office", "提案委员会同意延期,最迟不超过交办后规定的最长期限"},
	{"unit", "refuse_extension", []string{"extension"}, "handling", "office", "提案委员会不同意延期"},
	{"unit", "opinion", []string{"handling"}, "opinion", "unit", "会办单位向主办单位提出会办意见"},
	{"unit", "reply", []string{"handling"}, "replied", "unit", "主办、分办单位答复提案者,注明办理结果类别;主办单位须待会办意见"},
	{"unit", "rehandle", []string{"replied"}, "handling", "system", "提案者不满意,主办、分办单位重新办理"},
}

// machines are Steps as one store.Machine per object.
var machines = func() map[string]store.Machine {
	out := map[string]store.Machine{}
	for _, s := range Steps {
		if out[s.Object] == nil {
			out[s.Object] = store.Machine{}
		}
		out[s.Object][s.Action] = store.Move{From: s.From, To: s.To}
	}
	return out
}()

// next is where action takes object from state, if it may start there.
func next(object, action, state string) (string, bool) {
	return machines[object].Next(action, state)
}
