// Package flow is the states of the work as data: a Machine is one
// object's actions, the states each may start from and the state it leads
// to; a Table is a domain's steps (of one or several objects), each with who
// takes it, the rule it keeps and its words, and the lookups built from
// them. Every action not listed is refused.
//
// flow owns no state and imports nothing of the project: each domain
// (member; cppcc's proposals; letters; opinion; forum) declares its table
// as a value and imports flow.
package flow

// Machine is a state machine as data: for each action, the states it may
// start from and the state it leads to.
type Machine map[string]Move

// Move is one action of a Machine.
type Move struct {
	From []string
	To   string
}

// Next is where action leads from state, and whether it may start there.
func (m Machine) Next(action, state string) (string, bool) {
	mv, ok := m[action]
	if !ok {
		return "", false
	}
	for _, f := range mv.From {
		if f == state {
			return mv.To, true
		}
	}
	return "", false
}

// Step is one allowed transition of an object: who takes it and the rule
// it keeps, and the action in words (Label). To "" keeps the state.
type Step struct {
	Object string
	Action string
	Label  string
	From   []string
	To     string
	By     string // "member", "office", "unit", "sender" or "system"
	Rule   string
}

// Table is a domain's steps with one Machine per object built from them.
type Table struct {
	steps    []Step
	machines map[string]Machine
	labels   map[[2]string]string
	others   map[string]string
}

// NewTable is the table of steps; others are the words of the actions a
// history records that are no step (a note, a reminder), by action.
func NewTable(steps []Step, others map[string]string) *Table {
	t := &Table{steps: steps, machines: map[string]Machine{}, labels: map[[2]string]string{}, others: others}
	for _, s := range steps {
		if t.machines[s.Object] == nil {
			t.machines[s.Object] = Machine{}
		}
		t.machines[s.Object][s.Action] = Move{From: s.From, To: s.To}
		t.labels[[2]string{s.Object, s.Action}] = s.Label
	}
	return t
}

// Steps are the table's steps, in the order they were declared.
func (t *Table) Steps() []Step { return t.steps }

// Next is where action takes object from state, if it may start there.
func (t *Table) Next(object, action, state string) (string, bool) {
	return t.machines[object].Next(action, state)
}

// Label is an action of object in words: its step's, else the table's
// word for an action that is no step.
func (t *Table) Label(object, action string) string {
	if l, ok := t.labels[[2]string{object, action}]; ok {
		return l
	}
	return t.others[action]
}
