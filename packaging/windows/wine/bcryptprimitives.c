/* A stand-in for bcryptprimitives.dll, for running MotorDesk under Wine 8 only (real
 * Windows 10/11 has the DLL; Wine 8 lacks it, and Rust's standard library asks it for
 * random bytes through ProcessPrng). Forwards to RtlGenRandom (advapi32's
 * SystemFunction036), which Wine has. scripts/windows-smoke.sh builds it with mingw and
 * puts it beside the exe in the Wine test folder; it is never installed or shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
