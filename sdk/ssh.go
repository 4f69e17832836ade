package sdk

import "github.com/runbookhq/runbook/host/abi"

// SSHRequest and SSHResponse are the shapes of the ssh capability.
type (
	SSHRequest  = abi.SSHRequest
	SSHResponse = abi.SSHResponse
	// SSHJump is SSHRequest.Jump: a bastion to reach the target through,
	// with its own user, key and pinned host key. Its address must be
	// the host (and port) in the config fields the manifest names as
	// SSHJump and SSHJumpPort; any other is denied.
	SSHJump = abi.SSHJump
)

// SSH runs req.Command on req.Address (host:port of the monitor's target)
// as req.User with the private key req.PrivateKey, which should come from
// the call's secrets (Context.Secrets), never from the config. Pin the
// server with req.HostKey. A command that ran and exited non-zero is a
// response (ExitStatus); failing to connect or authenticate is an error.
//
//	resp, err := sdk.SSH(sdk.SSHRequest{Address: addr, User: cfg.User,
//		PrivateKey: []byte(ctx.Secrets[cfg.KeySecret]), Command: cfg.Command})
//
// Through a jump host (the manifest names its config fields):
//
//	req.Jump = &sdk.SSHJump{Address: jumpAddr, User: cfg.JumpUser,
//		PrivateKey: []byte(ctx.Secrets[cfg.JumpKeySecret])}
func SSH(req SSHRequest) (*SSHResponse, error) {
	var resp SSHResponse
	if err := call(abi.CapSSH, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}
