package xls

// formulaText decompiles a formula's parsed tokens (rgce) to its text;
// "" when it holds a token not decompiled here.
func (g *globals) formulaText(rgce []byte) string {
	return ""
}
