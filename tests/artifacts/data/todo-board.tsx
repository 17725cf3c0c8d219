import { useState } from "react";

type Task = { id: number; text: string; done: boolean };

function TaskRow({ task, onToggle }: { task: Task; onToggle: (id: number) => void }) {
  return (
    <li className={task.done ? "line-through text-gray-400" : "text-gray-900"}>
      <label className="flex items-center gap-2">
        <input type="checkbox" checked={task.done} onChange={() => onToggle(task.id)} />
        {task.text}
      </label>
    </li>
  );
}

const App = () => {
  const [tasks, setTasks] = useState<Task[]>([
    { id: 1, text: "Write the runtime", done: true },
    { id: 2, text: "Measure transforms", done: false },
  ]);
  const toggle = (id: number) =>
    setTasks((all) => all.map((t) => (t.id === id ? { ...t, done: !t.done } : t)));
  return (
    <main className="p-6">
      <h1 className="text-xl font-bold text-emerald-600">Tasks</h1>
      <ul className="mt-3 space-y-1">
        {tasks.map((t) => <TaskRow key={t.id} task={t} onToggle={toggle} />)}
      </ul>
    </main>
  );
};
