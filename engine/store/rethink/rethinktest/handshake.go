package rethinktest

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/pbkdf2"

	p "gopkg.in/rethinkdb/rethinkdb-go.v6/ql2"
)

// credentials are what a RethinkDB server keeps for a user: the SCRAM
// salt, iteration count and the keys derived from the password.
type credentials struct {
	user       string
	salt       []byte
	iterations int
	storedKey  []byte
	serverKey  []byte
}

func newCredentials(user, password string, iterations int) credentials {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	salted := pbkdf2.Key([]byte(password), salt, iterations, sha256.Size, sha256.New)
	clientKey := hmacSHA256(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	return credentials{
		user: user, salt: salt, iterations: iterations,
		storedKey: stored[:], serverKey: hmacSHA256(salted, "Server Key"),
	}
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// handshake errors as RethinkDB numbers them: 10-20 are authentication
// errors, which the driver reports as RQLAuthError.
const (
	errCodeWrongPassword = 12
	errCodeUnknownUser   = 17
	errCodeProtocol      = 10
)

var errAuth = errors.New("authentication failed")

// serverHandshake runs the server side of the V1_0 handshake:
//
//	client: magic V1_0 (uint32 LE), {"protocol_version":0,
//	        "authentication_method":"SCRAM-SHA-256","authentication":"n,,n=U,r=CN"}\0
//	server: {"success":true,"min_protocol_version":0,"max_protocol_version":0,...}\0
//	server: {"success":true,"authentication":"r=CN+SN,s=SALT,i=ITER"}\0
//	client: {"authentication":"c=biws,r=CN+SN,p=PROOF"}\0
//	server: {"success":true,"authentication":"v=SERVER_SIGNATURE"}\0
func serverHandshake(br *bufio.Reader, w io.Writer, cred credentials) error {
	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return fmt.Errorf("reading protocol magic: %w", err)
	}
	if v := binary.LittleEndian.Uint32(magic[:]); v != uint32(p.VersionDummy_V1_0) {
		_, _ = w.Write([]byte("ERROR: Received an unsupported protocol version. This port is for RethinkDB queries. Does your client driver version not match the server?\x00"))
		return fmt.Errorf("unsupported protocol magic %#x", v)
	}
	var first struct {
		ProtocolVersion      *int   `json:"protocol_version"`
		AuthenticationMethod string `json:"authentication_method"`
		Authentication       string `json:"authentication"`
	}
	if err := readNulJSON(br, &first); err != nil {
		return fmt.Errorf("reading client first message: %w", err)
	}
	if first.ProtocolVersion == nil || *first.ProtocolVersion != 0 || first.AuthenticationMethod != "SCRAM-SHA-256" {
		writeNulJSON(w, map[string]any{"success": false, "error_code": errCodeProtocol, "error": "Unsupported protocol version or authentication method."})
		return fmt.Errorf("unsupported protocol %v / method %q", first.ProtocolVersion, first.AuthenticationMethod)
	}
	if err := writeNulJSON(w, map[string]any{
		"success": true, "min_protocol_version": 0, "max_protocol_version": 0, "server_version": "2.4.4-rethinktest",
	}); err != nil {
		return err
	}
	bare, ok := strings.CutPrefix(first.Authentication, "n,,")
	if !ok {
		writeNulJSON(w, map[string]any{"success": false, "error_code": errCodeProtocol, "error": "Invalid authentication message: channel binding is not supported."})
		return fmt.Errorf("client first message %q lacks the gs2 header", first.Authentication)
	}
	attrs := scramAttrs(bare)
	if attrs["n"] != cred.user {
		writeNulJSON(w, map[string]any{"success": false, "error_code": errCodeUnknownUser, "error": fmt.Sprintf("Unknown user %q", attrs["n"])})
		return fmt.Errorf("unknown user %q: %w", attrs["n"], errAuth)
	}
	nonce := make([]byte, 18)
	_, _ = rand.Read(nonce)
	serverNonce := attrs["r"] + base64.StdEncoding.EncodeToString(nonce)
	serverFirst := fmt.Sprintf("r=%s,s=%s,i=%d", serverNonce, base64.StdEncoding.EncodeToString(cred.salt), cred.iterations)
	if err := writeNulJSON(w, map[string]any{"success": true, "authentication": serverFirst}); err != nil {
		return err
	}

	var final struct {
		Authentication string `json:"authentication"`
	}
	if err := readNulJSON(br, &final); err != nil {
		return fmt.Errorf("reading client final message: %w", err)
	}
	withoutProof, proofB64, ok := strings.Cut(final.Authentication, ",p=")
	fattrs := scramAttrs(withoutProof)
	proof, err := base64.StdEncoding.DecodeString(proofB64)
	if !ok || err != nil || fattrs["r"] != serverNonce || len(proof) != sha256.Size {
		writeNulJSON(w, map[string]any{"success": false, "error_code": errCodeProtocol, "error": "Invalid authentication message."})
		return fmt.Errorf("malformed client final message %q", final.Authentication)
	}
	authMsg := bare + "," + serverFirst + "," + withoutProof
	// ClientKey = proof XOR HMAC(StoredKey, AuthMessage); it is right when
	// its hash is the StoredKey.
	sig := hmacSHA256(cred.storedKey, authMsg)
	clientKey := make([]byte, len(proof))
	for i := range proof {
		clientKey[i] = proof[i] ^ sig[i]
	}
	got := sha256.Sum256(clientKey)
	if subtle.ConstantTimeCompare(got[:], cred.storedKey) != 1 {
		writeNulJSON(w, map[string]any{"success": false, "error_code": errCodeWrongPassword, "error": "Wrong password"})
		return fmt.Errorf("wrong password for %q: %w", cred.user, errAuth)
	}
	serverSig := base64.StdEncoding.EncodeToString(hmacSHA256(cred.serverKey, authMsg))
	return writeNulJSON(w, map[string]any{"success": true, "authentication": "v=" + serverSig})
}

func scramAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(part, "="); ok {
			out[k] = v
		}
	}
	return out
}

// maxHandshakeMsg bounds a handshake message so a client cannot make the
// server buffer without end.
const maxHandshakeMsg = 4096

func readNulJSON(br *bufio.Reader, v any) error {
	var buf []byte
	for {
		b, err := br.ReadByte()
		if err != nil {
			return err
		}
		if b == 0 {
			break
		}
		if len(buf) >= maxHandshakeMsg {
			return fmt.Errorf("handshake message longer than %d bytes", maxHandshakeMsg)
		}
		buf = append(buf, b)
	}
	return json.Unmarshal(buf, v)
}

func writeNulJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, 0))
	return err
}
