package sigv4

import (
	"fmt"
	"net"
)

// IsDev reports whether c is the publicly known development credential
// test/test (or any key named "test" with secret "test").
func (c *Credential) IsDev() bool {
	dev := DevCredential()
	return c.AccessKeyID == dev.AccessKeyID && c.SecretAccessKey == dev.SecretAccessKey
}

// CheckExposure refuses to serve the development credential test/test on
// a listener that is not loopback, whether it is the default credential or
// listed in a credentials file: anyone who can reach the address knows it.
// devMode, the explicit development mode, lifts the refusal.
func CheckExposure(addr net.Addr, creds []Credential, devMode bool) error {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() || devMode {
		return nil
	}
	for i := range creds {
		if creds[i].IsDev() {
			return fmt.Errorf("refusing to listen on %s with the development credential test/test, known to everyone: "+
				"pass --credentials FILE without it, listen on 127.0.0.1, or turn on the development mode", addr)
		}
	}
	return nil
}
