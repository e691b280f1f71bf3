package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
)

// devMode is the development emulator switch (--dev, CHIMEVOICE_DEV).
// In development emulator mode the server accepts the public development
// credential test/test and answers the admin API (clock, state, faults,
// metrics) on any address: what a container needs, whose published port is
// the only way in. The binary's default is off: beyond loopback it refuses
// to serve with only test/test, and the admin API answers loopback clients
// or the admin token.
//
// "auto", the container image's setting, turns it on unless the named
// credentials file exists or an admin token is set: mounting a credentials
// file (or setting a token) makes the container an operator's service.
type devMode int

const (
	devOff devMode = iota
	devOn
	devAuto
)

func (d *devMode) String() string {
	switch *d {
	case devOn:
		return "true"
	case devAuto:
		return "auto"
	}
	return "false"
}

func (d *devMode) Set(s string) error {
	if s == "auto" {
		*d = devAuto
		return nil
	}
	on, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("must be true, false or auto")
	}
	*d = devOff
	if on {
		*d = devOn
	}
	return nil
}

// IsBoolFlag lets "--dev" stand for "--dev=true".
func (d *devMode) IsBoolFlag() bool { return true }

// emulator resolves the mode: whether the server runs as a development
// emulator, and why (for the start-up message). In auto mode with a
// credentials file that does not exist and no admin token, it drops the
// file name: the emulator serves the development credential.
func (c *Config) emulator() (bool, string, error) {
	switch c.Dev {
	case devOn:
		return true, "--dev", nil
	case devOff:
		return false, "", nil
	}
	if c.AdminToken != "" {
		return false, "", nil
	}
	if c.Credentials != "" {
		_, err := os.Stat(c.Credentials)
		switch {
		case err == nil:
			return false, "", nil
		case !errors.Is(err, fs.ErrNotExist):
			return false, "", fmt.Errorf("credentials: %w", err)
		}
		why := fmt.Sprintf("--dev=auto, no credentials file at %s and no admin token", c.Credentials)
		c.Credentials = ""
		return true, why, nil
	}
	return true, "--dev=auto, no credentials file and no admin token", nil
}

// emulatorNotice is what the server says at start in emulator mode.
func emulatorNotice(why string) string {
	return fmt.Sprintf(`Running as a DEVELOPMENT EMULATOR (%s): the public credential test/test
  and the admin API (clock, state, faults) answer every client. For an operator's
  service, mount a credentials file or set CHIMEVOICE_ADMIN_TOKEN (or CHIMEVOICE_DEV=false).
`, why)
}
