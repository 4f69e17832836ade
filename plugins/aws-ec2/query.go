package main

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"

	"github.com/runbookhq/runbook/plugins/internal/reactkit"
)

// apiVersion is the EC2 Query API version the requests are written for.
const apiVersion = "2016-11-15"

var actions = map[string]string{"reboot": "RebootInstances", "start": "StartInstances", "stop": "StopInstances"}

// form is the Query API request body: Action, Version and the instance
// ids as the list members InstanceId.1, InstanceId.2, ...
func form(cfg Config) url.Values {
	v := url.Values{"Action": {actions[cfg.Action]}, "Version": {apiVersion}}
	for i, id := range cfg.InstanceIDs {
		v.Set(fmt.Sprintf("InstanceId.%d", i+1), id)
	}
	if cfg.Action == "stop" && cfg.Force {
		v.Set("Force", "true")
	}
	return v
}

// result is the part of Reboot/Start/StopInstancesResponse reported back.
type result struct {
	Return    string `xml:"return"`
	Instances []struct {
		ID       string `xml:"instanceId"`
		Current  string `xml:"currentState>name"`
		Previous string `xml:"previousState>name"`
	} `xml:"instancesSet>item"`
}

func (r result) String() string {
	if len(r.Instances) == 0 {
		return "return " + r.Return
	}
	parts := make([]string, len(r.Instances))
	for i, in := range r.Instances {
		parts[i] = in.ID + " " + in.Previous + "→" + in.Current
	}
	return strings.Join(parts, ", ")
}

// errorResponse is EC2's error document:
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
type errorResponse struct {
	Errors []struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Errors>Error"`
	RequestID string `xml:"RequestID"`
}

// explain reads EC2's XML error; anything else is quoted.
func explain(body []byte) string {
	var e errorResponse
	if xml.Unmarshal(body, &e) != nil || len(e.Errors) == 0 {
		return reactkit.Shorten(string(body))
	}
	parts := make([]string, len(e.Errors))
	for i, x := range e.Errors {
		parts[i] = x.Code + ": " + x.Message
	}
	s := strings.Join(parts, "; ")
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return reactkit.Shorten(s)
}
