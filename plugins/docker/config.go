package main

import (
	"errors"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
	"github.com/runbookhq/runbook/plugins/internal/sshreact"
)

// Config is the reaction's config object; see schema in main.go.
type Config struct {
	sshreact.Target
	Action    string `json:"action"`
	Container string `json:"container,omitempty"`
	Image     string `json:"image,omitempty"`
	Sudo      bool   `json:"sudo,omitempty"`
}

// Validate runs before saving a reaction and before every run. Each
// action takes exactly one of container and image, so a config never
// says something the command ignores.
func (c Config) Validate() error {
	errs := []error{c.Target.Check(), reactkit.OneOf("action", c.Action, "start", "restart", "stop", "kill", "rm", "pull")}
	if c.Action == "pull" {
		errs = append(errs, sshreact.Name("image", c.Image, imageRef,
			"want an image reference like nginx:1.27 or registry.example:5000/team/app@sha256:…"))
		if c.Container != "" {
			errs = append(errs, reactkit.Field("container", "not used by pull; name the image"))
		}
		if len(c.Image) > 512 {
			errs = append(errs, reactkit.Field("image", "longer than 512 bytes"))
		}
	} else {
		errs = append(errs, sshreact.Name("container", c.Container, containerName,
			"want a container name or id: letters, digits and _ . - (not first)"))
		if c.Image != "" {
			errs = append(errs, reactkit.Field("image", "only used by pull; name the container"))
		}
		if len(c.Container) > 255 {
			errs = append(errs, reactkit.Field("container", "longer than 255 bytes"))
		}
	}
	return errors.Join(errs...)
}

// argv is the remote command: docker ACTION NAME, behind sudo -n when
// asked.
func (c Config) argv() []string {
	name := c.Container
	if c.Action == "pull" {
		name = c.Image
	}
	argv := []string{"docker", c.Action, name}
	if c.Sudo {
		argv = append([]string{"sudo", "-n"}, argv...)
	}
	return argv
}
