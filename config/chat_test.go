package config

import (
	"testing"
)

func TestChatValidate(t *testing.T) {
	dept := func(chat string) string {
		return "departments:\n  - id: edu\n    name: 市教育局\n    chat:\n" + chat + "  - id: finance\n    name: 市财政局\n"
	}
	tests := []struct {
		name  string
		yaml  string
		wants []want
	}{
		{"every kind", dept(`      - {kind: wecom, webhook_env: SHEAF_EDU_WECOM}
      - {kind: dingtalk, webhook_env: SHEAF_EDU_DINGTALK, secret_env: SHEAF_EDU_DINGTALK_SECRET}
      - {kind: feishu, webhook_env: SHEAF_EDU_FEISHU_FILE}
      - {kind: dir, dir: chat}
`) + "mail:\n  coordinator_chat:\n    - {kind: feishu, webhook_env: SHEAF_FEISHU, secret_env: SHEAF_FEISHU_SECRET}\n", nil},
		{"unknown kind", dept("      - {kind: wechat, webhook_env: X} # ← departments[0].chat[0].kind\n"),
			[]want{{"departments[0].chat[0].kind", `"wechat" is not one of wecom, dingtalk, feishu, dir`}}},
		{"no webhook", dept("      - kind: dingtalk # ← departments[0].chat[0].webhook_env\n"),
			[]want{{"departments[0].chat[0].webhook_env", "is required with kind dingtalk"}}},
		{"address in place of its variable", `
mail:
  coordinator_chat:
    - kind: wecom
      webhook_env: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc" # ← mail.coordinator_chat[0].webhook_env
`, []want{{"mail.coordinator_chat[0].webhook_env", "not the name of an environment variable"}}},
		{"dir without a folder", dept("      - kind: dir # ← departments[0].chat[0].dir\n"),
			[]want{{"departments[0].chat[0].dir", "is required with kind dir"}}},
		{"secret for wecom", dept("      - kind: wecom\n        webhook_env: W\n        secret_env: S # ← departments[0].chat[0].secret_env\n"),
			[]want{{"departments[0].chat[0].secret_env", "not used by a wecom robot"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := withBase(tt.yaml)
			path := writeConfig(t, src)
			c, err := Load(path)
			if tt.wants == nil {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if got := len(c.ChatTargets()); got != 5 {
					t.Errorf("ChatTargets: %d, want 5", got)
				}
				if _, ok := c.ChatTargets()["coordinators:0"]; !ok {
					t.Errorf("no coordinators:0 in %v", c.ChatTargets())
				}
				return
			}
			checkErrors(t, err, path, src, tt.wants)
		})
	}
}
