import { useState } from "react";
import { Trophy, Fire } from "lucide-react";
import { LineChart, Line, XAxis, YAxis, Tooltip } from "recharts";

const week = [{ d: "Mon", v: 3 }, { d: "Tue", v: 5 }, { d: "Wed", v: 2 }];

export default function StreakCard() {
  const [n, setN] = useState(0);
  return (
    <div className="p-4 space-y-3 font-sans">
      <h1 className="text-xl font-bold flex items-center gap-2">
        <Trophy size={20} /> Streak: {n}
      </h1>
      <button className="px-3 py-1 rounded bg-orange-500 text-white" onClick={() => setN(n + 1)}>
        <Fire size={16} /> +1
      </button>
      <LineChart width={320} height={120} data={week}>
        <XAxis dataKey="d" /><YAxis /><Tooltip /><Line dataKey="v" />
      </LineChart>
    </div>
  );
}
