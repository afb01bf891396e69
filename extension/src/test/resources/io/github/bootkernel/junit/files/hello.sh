#!/bin/sh
echo hello from a host file
