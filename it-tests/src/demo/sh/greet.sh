#!/bin/sh
echo "greetings from $(uname -s)"
