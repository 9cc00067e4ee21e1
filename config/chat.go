package config

import (
	"fmt"
	"slices"
	"strings"
)

// Kinds of chat target.
const (
	ChatWeCom    = "wecom"    // 企业微信 group robot
	ChatDingTalk = "dingtalk" // 钉钉 custom robot
	ChatFeishu   = "feishu"   // 飞书 custom bot
	ChatDir      = "dir"      // a folder: each post written as a .md file, never sent
)

// ChatKinds are the kinds a chat target may be.
var ChatKinds = []string{ChatWeCom, ChatDingTalk, ChatFeishu, ChatDir}

// ChatTarget is one work-chat group that reminders, overdue notices or
// the digest are posted to, through a robot the group added. Its webhook
// address carries the robot's key or access token, so it is a secret: the
// file names the environment variable holding it (WebhookEnv), never the
// address itself, and likewise the signing secret (SecretEnv). Each
// variable may instead be given as NAME_FILE, the path of a file holding
// the value (see Secret).
type ChatTarget struct {
	// Kind is wecom, dingtalk, feishu or dir.
	Kind string `yaml:"kind"`
	// WebhookEnv names the variable holding the robot's webhook address:
	// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…,
	// https://oapi.dingtalk.com/robot/send?access_token=…,
	// https://open.feishu.cn/open-apis/bot/v2/hook/…. Required but for dir.
	WebhookEnv string `yaml:"webhook_env"`
	// SecretEnv names the variable holding the signing secret (钉钉 加签
	// "SEC…", 飞书 签名校验); wecom robots have none. Optional: a robot
	// without signing accepts unsigned posts.
	SecretEnv string `yaml:"secret_env"`
	// Dir is the folder of a dir target, relative to the configuration's
	// folder.
	Dir string `yaml:"dir"`
}

// ChatTargetName is the name of a department's i-th chat target (from 0),
// as the outbox records it: "edu:0"; the coordinators' are
// "coordinators:0". Department ids cannot contain ':'.
func ChatTargetName(owner string, i int) string { return fmt.Sprintf("%s:%d", owner, i) }

// CoordinatorsChat is the owner part of the coordinators' chat targets'
// names.
const CoordinatorsChat = "coordinators"

// ChatTargets are every chat target of the configuration by name: the
// departments' (departments[].chat) and the coordinators'
// (mail.coordinator_chat).
func (c *Config) ChatTargets() map[string]ChatTarget {
	out := map[string]ChatTarget{}
	for _, d := range c.Departments {
		for i, t := range d.Chat {
			out[ChatTargetName(d.ID, i)] = t
		}
	}
	for i, t := range c.Mail.CoordinatorChat {
		out[ChatTargetName(CoordinatorsChat, i)] = t
	}
	return out
}

// chat checks a list of chat targets written at key.
func (v *validator) chat(key string, targets []ChatTarget) {
	for i, t := range targets {
		k := fmt.Sprintf("%s[%d]", key, i)
		if !slices.Contains(ChatKinds, t.Kind) {
			v.add(k+".kind", "%q is not one of %s", t.Kind, strings.Join(ChatKinds, ", "))
			continue
		}
		for _, e := range []struct{ key, name string }{{k + ".webhook_env", t.WebhookEnv}, {k + ".secret_env", t.SecretEnv}} {
			if e.name != "" && !envNameRe.MatchString(e.name) {
				// Not quoted back: it may be the address or secret itself.
				v.add(e.key, "is not the name of an environment variable (write the variable's name, e.g. SHEAF_EDU_ROBOT, never the address or secret)")
			}
		}
		switch {
		case t.Kind == ChatDir:
			if blank(t.Dir) {
				v.add(k+".dir", "is required with kind dir: the folder the posts are written to")
			}
			if t.WebhookEnv != "" || t.SecretEnv != "" {
				v.add(k+".kind", "is dir, which posts nowhere: leave out webhook_env and secret_env")
			}
		case t.Dir != "":
			v.add(k+".dir", "is only for kind dir; a %s robot posts to its webhook", t.Kind)
		case t.WebhookEnv == "":
			v.add(k+".webhook_env", "is required with kind %s: the name of the environment variable holding the robot's webhook address", t.Kind)
		case t.Kind == ChatWeCom && t.SecretEnv != "":
			v.add(k+".secret_env", "is not used by a wecom robot, which signs nothing (its key is in the webhook address)")
		}
	}
}
