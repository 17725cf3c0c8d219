import React, { useMemo, useState } from "react";
import Papa from "papaparse";
import _ from "lodash";
import { BarChart, Bar, XAxis, YAxis, CartesianGrid, Tooltip, ResponsiveContainer } from "recharts";
import { TrendingUp, DollarSign } from "lucide-react";

const csv = `region,month,revenue
North,Jan,120
North,Feb,150
South,Jan,90
South,Feb,135
East,Jan,170
East,Feb,110
West,Jan,60
West,Feb,95`;

function StatCard({ icon: Icon, label, value }) {
  return (
    <div className="rounded-xl bg-white shadow p-4 flex items-center gap-3">
      <div className="rounded-lg bg-blue-500 text-white p-2"><Icon size={20} /></div>
      <div>
        <div className="text-sm text-gray-500">{label}</div>
        <div id={"stat-" + label.toLowerCase()} className="text-2xl font-semibold">{value}</div>
      </div>
    </div>
  );
}

export default function SalesDashboard() {
  const [metric] = useState("revenue");
  const rows = useMemo(() => Papa.parse(csv, { header: true, dynamicTyping: true }).data, []);
  const byRegion = useMemo(
    () => _.map(_.groupBy(rows, "region"), (items, region) => ({ region, total: _.sumBy(items, metric) })),
    [rows, metric]
  );
  const total = _.sumBy(byRegion, "total");
  return (
    <div className="min-h-screen bg-gray-100 p-6 space-y-4">
      <h1 className="text-2xl font-bold text-gray-900">Sales by region</h1>
      <div className="grid grid-cols-2 gap-4">
        <StatCard icon={DollarSign} label="Total" value={total} />
        <StatCard icon={TrendingUp} label="Regions" value={byRegion.length} />
      </div>
      <div className="rounded-xl bg-white shadow p-4" style={{ height: 300 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={byRegion}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="region" />
            <YAxis />
            <Tooltip />
            <Bar dataKey="total" fill="#3b82f6" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
