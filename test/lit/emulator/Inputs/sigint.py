# Runs a command that prints a line and then hangs, sends it SIGINT after that line, and prints its exit
# status and standard error (for emulate-stop.test).
import signal
import subprocess
import sys
import time

child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
first = child.stdout.readline()
time.sleep(0.3)
child.send_signal(signal.SIGINT)
try:
    out, err = child.communicate(timeout=60)
except subprocess.TimeoutExpired:
    child.kill()
    print("still running 60 s after SIGINT")
    sys.exit(1)
print(first.strip())
print("exit", child.returncode)
print(err.strip())
