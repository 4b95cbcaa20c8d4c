import triton
import triton.language as tl


@triton.jit
def k(x_ptr):
    v = tl.load(x_ptr)
    if v > 0:
        if v > 0:
            if v > 0:
                if v > 0:
                    if v > 0:
                        if v > 0:
                            if v > 0:
                                if v > 0:
                                    if v > 0:
                                        if v > 0:
                                            if v > 0:
                                                if v > 0:
                                                    if v > 0:
                                                        if v > 0:
                                                            if v > 0:
                                                                if v > 0:
                                                                    if v > 0:
                                                                        if v > 0:
                                                                            if v > 0:
                                                                                if v > 0:
                                                                                    if v > 0:
                                                                                        if v > 0:
                                                                                            if v > 0:
                                                                                                if v > 0:
                                                                                                    if v > 0:
                                                                                                        if v > 0:
                                                                                                            if v > 0:
                                                                                                                if v > 0:
                                                                                                                    if v > 0:
                                                                                                                        if v > 0:
                                                                                                                            if v > 0:
                                                                                                                                if v > 0:
                                                                                                                                    if v > 0:
                                                                                                                                        if v > 0:
                                                                                                                                            if v > 0:
                                                                                                                                                if v > 0:
                                                                                                                                                    if v > 0:
                                                                                                                                                        if v > 0:
                                                                                                                                                            if v > 0:
                                                                                                                                                                if v > 0:
                                                                                                                                                                    if v > 0:
                                                                                                                                                                        if v > 0:
                                                                                                                                                                            if v > 0:
                                                                                                                                                                                if v > 0:
                                                                                                                                                                                    if v > 0:
                                                                                                                                                                                        if v > 0:
                                                                                                                                                                                            if v > 0:
                                                                                                                                                                                                if v > 0:
                                                                                                                                                                                                    if v > 0:
                                                                                                                                                                                                        if v > 0:
                                                                                                                                                                                                            if v > 0:
                                                                                                                                                                                                                if v > 0:
                                                                                                                                                                                                                    if v > 0:
                                                                                                                                                                                                                        if v > 0:
                                                                                                                                                                                                                            if v > 0:
                                                                                                                                                                                                                                if v > 0:
                                                                                                                                                                                                                                    if v > 0:
                                                                                                                                                                                                                                        if v > 0:
                                                                                                                                                                                                                                            if v > 0:
                                                                                                                                                                                                                                                if v > 0:
                                                                                                                                                                                                                                                    if v > 0:
                                                                                                                                                                                                                                                        if v > 0:
                                                                                                                                                                                                                                                            if v > 0:
                                                                                                                                                                                                                                                                if v > 0:
                                                                                                                                                                                                                                                                    if v > 0:
                                                                                                                                                                                                                                                                        if v > 0:
                                                                                                                                                                                                                                                                            if v > 0:
                                                                                                                                                                                                                                                                                if v > 0:
                                                                                                                                                                                                                                                                                    if v > 0:
                                                                                                                                                                                                                                                                                        if v > 0:
                                                                                                                                                                                                                                                                                            if v > 0:
                                                                                                                                                                                                                                                                                                if v > 0:
                                                                                                                                                                                                                                                                                                    if v > 0:
                                                                                                                                                                                                                                                                                                        if v > 0:
                                                                                                                                                                                                                                                                                                            if v > 0:
                                                                                                                                                                                                                                                                                                                if v > 0:
                                                                                                                                                                                                                                                                                                                    if v > 0:
                                                                                                                                                                                                                                                                                                                        if v > 0:
                                                                                                                                                                                                                                                                                                                            if v > 0:
                                                                                                                                                                                                                                                                                                                                if v > 0:
                                                                                                                                                                                                                                                                                                                                    v = v + 1
    w = v
    tl.store(x_ptr, w)
