package abi

// CapSSH is the "ssh" capability: run one command on the target over SSH
// with public-key authentication.
const CapSSH = "ssh"

// SSHRequest is the request of the "ssh" capability.
type SSHRequest struct {
	// Address is host:port (port default 22); it must be the monitor's
	// target.
	Address string `json:"address"`
	User    string `json:"user"`
	// PrivateKey is a PEM (OpenSSH or PKCS#8) private key, normally a
	// value of the call's secrets (Input.Secrets), never of its config.
	PrivateKey []byte `json:"private_key"`
	// Passphrase decrypts an encrypted PrivateKey.
	Passphrase string `json:"passphrase,omitempty"`
	// HostKey pins the server's key: an authorized_keys-format line
	// ("ssh-ed25519 AAAA...") or a "SHA256:..." fingerprint. Empty accepts
	// any host key (the response reports it so it can be pinned).
	HostKey string `json:"host_key,omitempty"`
	Command string `json:"command"`
	// Stdin is written to the command's standard input.
	Stdin []byte `json:"stdin,omitempty"`
	// MaxOutputBytes caps stdout and stderr each (default and ceiling
	// 64 KiB); the rest is discarded and counted.
	MaxOutputBytes int `json:"max_output_bytes,omitempty"`
	TimeoutMS      int `json:"timeout_ms,omitempty"`
	// Jump, when set, is a bastion to connect through: the host opens
	// the SSH connection to Address as a direct-tcpip channel of an SSH
	// connection to Jump.Address. Jump.Address must be the host the
	// config field named by Manifest.SSHJump holds.
	Jump *SSHJump `json:"jump,omitempty"`
}

// SSHJump is the first hop of an SSHRequest: where and as whom to log in
// to open the tunnel to the target. Its host key is checked the same way
// as the target's.
type SSHJump struct {
	// Address is host:port (port default 22).
	Address    string `json:"address"`
	User       string `json:"user"`
	PrivateKey []byte `json:"private_key"`
	Passphrase string `json:"passphrase,omitempty"`
	HostKey    string `json:"host_key,omitempty"`
}

// SSHResponse is the result of the "ssh" capability. A command that ran
// and exited non-zero is a response (ExitStatus); failing to connect,
// authenticate or start it is an error.
type SSHResponse struct {
	ExitStatus int `json:"exit_status"`
	// ExitSignal is set when the command was killed by a signal.
	ExitSignal      string `json:"exit_signal,omitempty"`
	Stdout          []byte `json:"stdout,omitempty"`
	Stderr          []byte `json:"stderr,omitempty"`
	StdoutTruncated bool   `json:"stdout_truncated,omitempty"`
	StderrTruncated bool   `json:"stderr_truncated,omitempty"`
	// HostKeyFingerprint is the server key's SHA256 fingerprint.
	HostKeyFingerprint string `json:"host_key_fingerprint"`
	// JumpHostKeyFingerprint is the jump host key's, when there was one.
	JumpHostKeyFingerprint string  `json:"jump_host_key_fingerprint,omitempty"`
	TotalMS                float64 `json:"total_ms"`
}
