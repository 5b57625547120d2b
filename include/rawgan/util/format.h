// Text forms of quantities for messages, shared so that every layer writes them alike.
// (Elapsed times for progress lines, "2m05s", are util/progress.h's format_duration.)
#pragma once

#include <string>

namespace rawgan {

/// Seconds to the millisecond with the unit, "1.960 s", as messages about audio lengths write
/// them (e.g. two files that differ in length). Negative values keep their sign; NaN and
/// infinities come out as "nan s" and "inf s".
std::string format_seconds(double seconds);

}  // namespace rawgan
