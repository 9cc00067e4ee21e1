// Package deploy holds the files that run sheaf as a service: a systemd
// unit and a Containerfile. Its tests check them with the tools that read
// them, where those tools are installed.
package deploy

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUnitVerifies runs `systemd-analyze verify` on sheaf.service, with
// ExecStart pointed at a program that exists here (the check refuses a
// missing one) and the environment file left optional (it holds secrets
// only the server has).
func TestUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit is not verified")
	}
	unit, err := os.ReadFile("sheaf.service")
	if err != nil {
		t.Fatal(err)
	}
	text := string(unit)
	for _, want := range []string{"User=sheaf", "StateDirectory=sheaf", "EnvironmentFile=/etc/sheaf/sheaf.env",
		"ProtectSystem=strict", "Restart=on-failure", "ExecStart=/usr/local/bin/sheaf run"} {
		if !strings.Contains(text, want) {
			t.Errorf("sheaf.service lacks %s", want)
		}
	}
	stand, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1) to stand in for sheaf")
	}
	text = strings.ReplaceAll(text, "/usr/local/bin/sheaf", stand)
	text = strings.ReplaceAll(text, "EnvironmentFile=/", "EnvironmentFile=-/")
	path := filepath.Join(t.TempDir(), "sheaf.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || strings.Contains(string(out), "sheaf.service:") {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestContainerBuilds builds the image with the first builder found
// (podman, buildah, docker) when SHEAF_CONTAINER_BUILD=1 (make
// test-deploy): a build downloads the base images and compiles SQLite, too
// much for every `go test ./...`.
func TestContainerBuilds(t *testing.T) {
	file, err := os.ReadFile("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CGO_ENABLED=1", "USER sheaf", "VOLUME", "HEALTHCHECK", "/healthz"} {
		if !strings.Contains(string(file), want) {
			t.Errorf("Containerfile lacks %s", want)
		}
	}
	if os.Getenv("SHEAF_CONTAINER_BUILD") != "1" {
		t.Skip("the image is built only with SHEAF_CONTAINER_BUILD=1 (make test-deploy)")
	}
	var args []string
	for _, b := range [][]string{
		{"podman", "build", "--format", "docker"},
		{"buildah", "build", "--format", "docker"},
		{"docker", "build"},
	} {
		if path, err := exec.LookPath(b[0]); err == nil {
			// A client without its daemon (docker) cannot build.
			if b[0] == "docker" && exec.Command(path, "info").Run() != nil {
				continue
			}
			args = append([]string{path}, b[1:]...)
			break
		}
	}
	if args == nil {
		t.Skip("no container builder (podman, buildah, or docker with its daemon) is available: the image is not built")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	tag := "localhost/sheaf-test:" + time.Now().Format("20060102150405")
	cmd := exec.CommandContext(ctx, args[0], append(args[1:], "-f", "deploy/Containerfile", "-t", tag, ".")...)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	defer exec.Command(args[0], "rmi", tag).Run()
	run := exec.CommandContext(ctx, args[0], "run", "--rm", "--entrypoint", "/usr/local/bin/sheaf", tag, "--version")
	if out, err := run.CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "sheaf ") {
		t.Errorf("sheaf --version in the image: %v\n%s", err, out)
	}
}
