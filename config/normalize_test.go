package config

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// NormalizeName's shortcut for labels already in normal form gives what
// the full folding gives, for any mix of the characters labels hold.
func TestNormalizeNameShortcutAgrees(t *testing.T) {
	pieces := []string{"学校", "数", "a", "Z", "1", " ", "\t", "\u3000", "：", ":", "（", "(", "）", "万元", "%", "\ufe6a",
		"\u2212", "-", "\u2236", "\u200b", "\ufeff", "Ａ", "ｂ", "１", "、", "。", "「", "」", "·", "—", "×", "℃", "\u00a0",
		"\u2028", "ｶ", "カ", "€", "¥", "￥", "\xff", "é", "ß"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(6) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := NormalizeName(s), normalizeName(s); got != want {
			t.Fatalf("NormalizeName(%q) = %q, the full folding gives %q", s, got, want)
		}
	}
}
