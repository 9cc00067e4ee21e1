package reconcile

import (
	"fmt"
	"strings"

	"github.com/sheaf-dev/sheaf"
)

// Rule classes.
const (
	// ClassCheck: the figures cannot all be right. A failing check makes its
	// inputs doubtful and is sent to their owners.
	ClassCheck = "check"
	// ClassStandard: the figures are right but miss a target. A failing
	// standard is a finding for the report, never a doubt about the figures.
	ClassStandard = "standard"
)

// Rule outcome states.
const (
	RulePass       = "pass"
	RuleFail       = "fail"
	RuleIncomplete = "incomplete"
	RuleError      = "error"
)

// evaluateRules runs every rule over the figures and flags those that fail.
func (ru *run) evaluateRules() {
	if ru.rules == nil {
		return
	}
	lookup := func(indicator, period string) figureValue {
		f := ru.figure(slot{indicator, period})
		if f == nil || !f.HasValue {
			return figureValue{}
		}
		return figureValue{Value: f.Value, Decimals: f.Decimals, OK: true}
	}
	ru.res.Rules = ru.rules.Evaluate(lookup)
	for _, out := range ru.res.Rules {
		if out.State != RuleFail && out.State != RuleError {
			continue
		}
		f := sheaf.Flag{Kind: sheaf.KindRule, Severity: out.Rule.Severity, Rule: out.Rule.ID}
		var parts []string
		for _, in := range out.Inputs {
			fig := ru.figure(slot{in.Indicator, in.Period})
			if fig == nil {
				continue
			}
			if f.Department == "" {
				if ind, ok := ru.cfg.Indicator(in.Indicator); ok {
					f.Department = ind.Owner
				}
			}
			parts = append(parts, fmt.Sprintf("%s（%s）%s", fig.Name, sheaf.PeriodWord(fig.Period), showValue(fig)))
			ev := sheaf.Evidence{Department: fig.Department, File: fig.File, Sheet: fig.Sheet, Cell: fig.Cell, Raw: fig.Raw, Note: fig.Note}
			if fig.HasValue {
				v := fig.Value
				ev.Value = &v
			}
			f.Evidence = append(f.Evidence, ev)
		}
		f.Message = strings.TrimSpace(out.Rule.Message)
		if f.Message == "" {
			f.Message = out.Sentence
		}
		if out.State == RuleError {
			f.Message = fmt.Sprintf("规则「%s」无法计算（%s）", out.Rule.ID, out.Err)
			if out.Rule.Message != "" {
				f.Message = out.Rule.Message + "：" + f.Message
			}
		}
		if len(parts) > 0 {
			f.Message += "。所用数据：" + strings.Join(parts, "，")
		}
		ru.add(f)
		if out.Rule.Class == ClassCheck {
			for _, in := range out.Inputs {
				ru.doubt(slot{in.Indicator, in.Period}, sheaf.StatusFailing, f.Key())
			}
		}
	}
}

// showValue writes a figure's value with its unit for a message.
func showValue(f *sheaf.Figure) string {
	if !f.HasValue {
		return "无数据"
	}
	v := sheaf.FormatValue(f.Value, f.Decimals)
	switch f.Unit {
	case "ratio":
		return "1:" + v
	case "%":
		return v + "%"
	}
	if per, ok := strings.CutPrefix(f.Unit, "1/"); ok {
		return v + "/" + per // "3.2/10万", not "3.21/10万"
	}
	return v + f.Unit
}
