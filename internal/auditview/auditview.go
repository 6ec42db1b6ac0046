// Package auditview puts the audit trail into words: actions, objects and
// fields in Chinese, the changes as "字段:旧 → 新", for the audit page and
// its Excel export.
package auditview

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"dangjian/internal/audit"
	"dangjian/internal/auth"
	"dangjian/internal/dues"
	"dangjian/internal/member"
	"dangjian/internal/vocab"
	"dangjian/internal/work"
)

// Row is an entry of the trail as the page shows it: in words, its
// details as "字段:旧 → 新" lines.
type Row struct {
	audit.Entry
	ActionLabel, ObjectLabel string
	// ObjectName is the object's name as the entry keeps it ("" when it keeps none).
	ObjectName string
	Lines      []string
}

// auditActions are the actions of the trail in words, with the steps of the
// pipeline and the work records' actions from their own tables.
var auditActions = func() map[string]string {
	m := map[string]string{
		"login": "登录", "login_failed": "登录失败", "logout": "退出登录", "create": "新建", "update": "修改", "delete": "删除",
		"dissolve": "撤销党组织", "move": "移动", "reveal": "查看完整号码", "export": "导出", "grant": "授予角色", "revoke": "收回",
		"password": "设置密码", "password_failed": "修改密码时原密码错误", "unlock": "解除锁定", "issue": "开具介绍信",
		"receive": "接收介绍信", "unreceive": "撤销接收介绍信", "receive_incoming": "接收系统外转入", "cancel": "撤回", "end": "结束流动登记", "request": "申请修改信息",
		"approved": "同意修改申请", "rejected": "驳回修改申请", "upload": "上传附件", "rotate": "更换密钥", "anchor": "记录审计链头",
		"view": "查看", "generate": "生成演示数据", "search": "按号码查找人员", "remind": "催办",
	}
	for _, t := range member.Transitions {
		m["step:"+t.Action] = t.Label
	}
	for _, k := range work.Kinds {
		for _, a := range k.Actions {
			m[k.Name+":"+a.Name] = a.Label
		}
	}
	return m
}()

// auditObjects are the kinds of object of the trail in words, with the work
// records' kinds.
var auditObjects = func() map[string]string {
	m := map[string]string{
		"member": "人员", "org": "党组织", "unit": "单位", "transfer": "介绍信", "mobile": "流动党员登记", "user": "用户", "grant": "授权",
		"token": "访问令牌", "session": "会话", "change_request": "修改申请", "attachment": "附件", "audit": "审计日志", "key": "密钥",
		"stats": "统计表", "dues_base": "党费基数", "dues_payment": "党费交纳记录", "dues_remittance": "党费上缴记录", "report_template": "工作总结起草模板", "committee_template": "政协工作总结起草模板", "library_doc": "经验交流材料", "api": "接口", "page": "页面", "demo": "演示数据",
	}
	for _, k := range work.Kinds {
		m[k.Name] = k.Noun
	}
	return m
}()

// auditFields are the fields of the details in words, with the work
// records' fields and the roles from their own tables; a name ending in
// _label or being a reading aid (pinyin) is left out of the lines.
var auditFields = func() map[string]string {
	m := map[string]string{
		"id": "编号", "name": "名称", "id_number": "公民身份号码", "birth_month": "出生年月", "sex": "性别", "ethnicity": "民族",
		"education": "学历", "phone": "联系电话", "occupation": "职业", "post": "工作岗位", "unit_id": "工作单位", "stage": "人员类别",
		"status": "状态", "applied_on": "申请入党日期", "activist_on": "确定为积极分子日期", "candidate_on": "列为发展对象日期",
		"joined_on": "入党日期", "full_on": "转正日期", "probation_ends_on": "预备期满日期", "probation_extended": "延长预备期",
		"mobile_out": "流出", "org_id": "党组织", "org_name": "党组织", "code": "组织代码", "type": "类别", "secretary": "书记",
		"founded_on": "成立日期", "parent_id": "上级", "username": "用户名", "display_name": "显示名称", "disabled": "停用", "role": "角色",
		"reason": "原因或用途", "filter": "筛选条件", "by": "查找方式", "to_whom": "催办对象", "key": "模板", "text": "文字", "org": "党组织", "term_years": "每届任期(年)", "elected_on": "上次换届日期", "term_ends_on": "任期届满日期", "reveal": "含完整号码", "rows": "行数", "table": "统计表", "note": "说明",
		"fields": "字段", "member_id": "党员", "user_id": "用户", "locked": "因此锁定", "failures": "连续输错次数", "path": "页面",
		"query": "条件", "file": "文件", "letter_no": "介绍信编号", "from_name": "转出", "to_name": "转往", "issued_on": "开具日期",
		"received_on": "接收日期", "kind": "类别", "present_place": "现在何处", "relation_place": "组织关系所在", "contact": "联系方式",
		"since": "起始日期", "ended_on": "结束日期", "size": "大小", "sha256": "校验值", "expires_at": "有效期至", "on": "日期",
		"reset_by_admin": "由管理员重置", "must_change_password": "须修改密码", "staff": "职工人数", "party_members": "党员人数",
		"non_public": "非公有制", "covering_org_id": "覆盖的党组织", "credit_code": "统一社会信用代码", "address": "地址",
		"birth_date": "出生日期",
		// The dues' (amounts in fen).
		"year": "年度", "from_month": "起始月份", "base_fen": "计算基数(分)", "monthly_fen": "每月党费(分)", "rule": "计算依据",
		"approval": "批准情况", "confirmed_on": "确认日期", "confirmed_by_member": "本人确认", "from": "交纳自", "through": "交纳到",
		"months": "月数", "dues_fen": "党费(分)", "extra_fen": "自愿多交(分)", "total_fen": "合计(分)", "large": "大额党费",
		"method": "交纳方式", "receipt_no": "收据号", "paid_on": "交纳日期", "created_by": "录入人", "decided_by": "审批人",
		"to_org_id": "上缴给", "amount_fen": "金额(分)", "period": "所属期间", "remitted_on": "上缴日期",
		"decided_on": "审批日期",
	}
	for _, k := range work.Kinds {
		for _, f := range k.Fields {
			if _, ok := m[f.Col]; !ok {
				m[f.Col] = f.Label
			}
		}
	}
	for _, st := range dues.Steps.Steps() {
		auditActions[st.Object+":"+st.Action] = st.Label
	}
	for _, r := range auth.Roles {
		m["role:"+r.Code] = r.Label
	}
	return m
}()

// auditEnums are the closed vocabularies of the work records' fields, to
// show their codes in words.
var auditEnums = func() map[string]map[string]vocab.Enum {
	m := map[string]map[string]vocab.Enum{}
	for _, k := range work.Kinds {
		m[k.Name] = map[string]vocab.Enum{}
		for _, f := range k.Fields {
			if f.Type == work.Enum {
				m[k.Name][f.Col] = f.Enum
			}
		}
	}
	return m
}()

// Choice is a code a filter offers, with its words.
type Choice struct{ Code, Label string }

// Actions are the actions a filter offers, by their words.
func Actions() []Choice { return choices(auditActions) }

// Objects are the kinds of object a filter offers, by their words.
func Objects() []Choice { return choices(auditObjects) }

// choices lists the codes of words that a filter can look for (one code of
// each: a pipeline step or a work action is found by its own code), by words.
func choices(words map[string]string) []Choice {
	seen := map[string]bool{}
	var out []Choice
	for code, label := range words {
		if _, action, ok := strings.Cut(code, ":"); ok {
			code = action
		}
		if !seen[code] {
			seen[code] = true
			out = append(out, Choice{code, actionLabelFor(code, label)})
		}
	}
	slices.SortFunc(out, func(a, b Choice) int { return strings.Compare(a.Label, b.Label) })
	return out
}

// actionLabelFor is the words a filter shows for a code: the plain
// action's own where there is one.
func actionLabelFor(code, label string) string {
	if l, ok := auditActions[code]; ok {
		return l
	}
	return label
}

// actionLabel is an action in words; the same code means different steps
// of different objects (a pipeline step, a letter withdrawn, a token revoked).
func actionLabel(action, object string) string {
	for _, key := range []string{object + ":" + action, "step:" + action, action} {
		if l, ok := auditActions[key]; ok && (key != "step:"+action || object == "member") {
			return l
		}
	}
	return action
}

// nameIn is the name an entry's details keep: the object's own, or the
// name after (or before) a change.
func nameIn(detail map[string]json.RawMessage) string {
	var name string
	if json.Unmarshal(detail["name"], &name) == nil && name != "" {
		return name
	}
	var changes map[string][2]json.RawMessage
	if json.Unmarshal(detail["changes"], &changes) == nil {
		for _, v := range [2]json.RawMessage{changes["name"][1], changes["name"][0]} {
			if json.Unmarshal(v, &name) == nil && name != "" {
				return name
			}
		}
	}
	return ""
}

// RowOf turns an entry into words.
func RowOf(e audit.Entry) Row {
	row := Row{Entry: e, ActionLabel: actionLabel(e.Action, e.ObjectType), ObjectLabel: auditObjects[e.ObjectType]}
	if row.ObjectLabel == "" {
		row.ObjectLabel = e.ObjectType
	}
	var detail map[string]json.RawMessage
	if json.Unmarshal(e.Detail, &detail) != nil {
		return row
	}
	row.ObjectName = nameIn(detail)
	if raw, ok := detail["changes"]; ok {
		var changes map[string][2]json.RawMessage
		if json.Unmarshal(raw, &changes) == nil {
			for _, k := range slices.Sorted(maps.Keys(changes)) {
				if skipField(k) {
					continue
				}
				before, after := changes[k][0], changes[k][1]
				if l, ok := changes[k+"_label"]; ok {
					before, after = l[0], l[1] // the words of a code
				} else if e, ok := auditEnums[e.ObjectType][k]; ok {
					before, after = enumWords(e, before), enumWords(e, after)
				}
				created := len(before) == 0 || bytes.Equal(before, []byte("null"))
				switch {
				case created && bytes.Equal(after, []byte(`""`)):
					// an empty field of a new object says nothing
				case created:
					row.Lines = append(row.Lines, fieldLabel(k)+":"+words(after))
				default:
					row.Lines = append(row.Lines, fieldLabel(k)+":"+words(before)+" → "+words(after))
				}
			}
		}
		delete(detail, "changes")
	}
	for _, k := range slices.Sorted(maps.Keys(detail)) {
		v := words(detail[k])
		if k == "role" {
			v = cmp.Or(auditFields["role:"+v], v)
		}
		row.Lines = append(row.Lines, fieldLabel(k)+":"+v)
	}
	return row
}

// enumWords is a code of e, given as JSON, in words (as JSON).
func enumWords(e vocab.Enum, raw json.RawMessage) json.RawMessage {
	var code string
	if json.Unmarshal(raw, &code) != nil || code == "" {
		return raw
	}
	b, _ := json.Marshal(e.Label(code))
	return b
}

// skipField leaves out what only repeats another field: the labels of
// codes, the readings of a name.
func skipField(k string) bool {
	return strings.HasSuffix(k, "_label") || k == "pinyin" || k == "initials"
}

func fieldLabel(k string) string { return cmp.Or(auditFields[k], k) }

// words is a JSON value as a person reads it.
func words(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	switch x := v.(type) {
	case nil:
		return "(空)"
	case bool:
		return map[bool]string{true: "是", false: "否"}[x]
	case string:
		if x == "" {
			return "(空)"
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			b, _ := json.Marshal(p)
			parts[i] = fieldOrWord(words(b))
		}
		return strings.Join(parts, "、")
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			b, _ := json.Marshal(x[k])
			parts = append(parts, fieldLabel(k)+" "+words(b))
		}
		return strings.Join(parts, ",")
	}
	return strings.TrimSpace(string(raw))
}

// fieldOrWord names a field listed in a detail (the fields looked at).
func fieldOrWord(s string) string { return cmp.Or(auditFields[s], s) }
