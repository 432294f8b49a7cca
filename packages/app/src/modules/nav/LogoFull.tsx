import { makeStyles } from '@material-ui/core';
import { LogoMark } from './LogoIcon';

const useStyles = makeStyles({
  root: { display: 'flex', alignItems: 'center', gap: 10, color: '#fff', textDecoration: 'none' },
  name: { fontSize: 15, fontWeight: 700, lineHeight: 1.1, letterSpacing: 0.2 },
  sub: { display: 'block', fontSize: 11, fontWeight: 400, opacity: 0.75 },
});

/** The product's name and mark at the top of the open sidebar. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <span className={classes.root} aria-label="Recommendation Platform">
      <LogoMark size={30} />
      <span className={classes.name}>
        Recommendation
        <span className={classes.sub}>Platform Portal</span>
      </span>
    </span>
  );
};
