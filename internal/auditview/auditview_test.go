package auditview

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"dangjian/internal/audit"
)

// The trail reads as words: actions, objects and fields in Chinese, the
// changes as "字段:旧 → 新", codes of the same name told apart by object.
func TestAuditRowsInWords(t *testing.T) {
	for _, c := range []struct {
		action, object, detail string
		wantAction, wantObject string
		lines                  []string
	}{
		{"update", "member", `{"changes":{"post":["","支部委员"],"education":["bachelor","master"],"education_label":["大学本科","硕士研究生"],"pinyin":["a","b"]}}`,
			"修改", "人员", []string{"学历:大学本科 → 硕士研究生", "工作岗位:(空) → 支部委员"}},
		{"approve", "disbursements", `{"changes":{"status":["pending","approved"],"checker":["","李审批"]}}`, "批准发放", "资金发放",
			[]string{"状态:待审批 → 已批准", "审批人:(空) → 李审批"}},
		{"grant", "grant", `{"username":"wang","role":"secretary","org_id":6}`, "授予角色", "授权",
			[]string{"党组织:6", "角色:支部书记", "用户名:wang"}},
		{"cancel", "member", `{}`, "取消预备党员资格", "人员", nil},
		{"cancel", "transfer", `{}`, "撤回", "介绍信", nil},
		{"start", "pairing_items", `{}`, "开始办理", "承诺事项", nil},
		{"create", "visits", `{"changes":{"id":[null,7],"money_fen":[null,50000]}}`, "新建", "走访慰问记录", []string{"慰问金:50000", "编号:7"}},
		{"void", "dues_payment", `{"changes":{"status":["confirmed","void"],"status_label":["已收","已冲销"],"reason":["","录错月份"]}}`, "冲销交纳记录", "党费交纳记录",
			[]string{"状态:已收 → 已冲销", "原因或用途:(空) → 录错月份"}},
		{"approve", "dues_remittance", `{"changes":{"amount_fen":[null,50000]}}`, "批准上缴", "党费上缴记录", []string{"金额(分):50000"}},
		{"reveal", "member", `{"name":"张三","fields":["id_number","phone"]}`, "查看完整号码", "人员", []string{"名称:张三", "字段:公民身份号码、联系电话"}},
	} {
		row := RowOf(audit.Entry{Action: c.action, ObjectType: c.object, Detail: json.RawMessage(c.detail)})
		if row.ActionLabel != c.wantAction || row.ObjectLabel != c.wantObject {
			t.Errorf("%s %s: %q %q", c.action, c.object, row.ActionLabel, row.ObjectLabel)
		}
		got, want := slices.Clone(row.Lines), slices.Clone(c.lines)
		slices.Sort(got)
		slices.Sort(want)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s %s: lines %q, want %q", c.action, c.object, row.Lines, c.lines)
		}
	}
	// Every filter choice has words, not a code.
	for _, ch := range append(Actions(), Objects()...) {
		if strings.Trim(ch.Label, "abcdefghijklmnopqrstuvwxyz_:") == "" {
			t.Errorf("choice %q has no words", ch.Code)
		}
	}
}
